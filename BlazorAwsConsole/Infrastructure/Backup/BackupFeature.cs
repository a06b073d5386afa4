namespace BlazorAwsConsole.Infrastructure.Backup;

public static class BackupFeature
{
    /// <summary>
    /// Call before AddInfrastructure: hosted services start in registration order, so the console
    /// takes its database lock before it migrates and releases it after everything else stopped.
    /// </summary>
    public static WebApplicationBuilder AddBackup(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<ConsoleRunningMarker>();
        return builder;
    }
}
