namespace BlazorAwsConsole.Infrastructure;

/// <summary>The console's executable doubles as its admin CLI (DESIGN.md).</summary>
public static class AdminCli
{
    /// <summary>`BlazorAwsConsole migrate`: applies pending migrations to ConnectionStrings:Console and exits.</summary>
    public static async Task<int> MigrateAsync(WebApplication app)
    {
        await using (app)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BlazorAwsConsole.Migrate");
            await DatabaseMigrator.MigrateAsync(app.Services.GetRequiredService<IServiceScopeFactory>(), logger, CancellationToken.None);
            return 0;
        }
    }
}
