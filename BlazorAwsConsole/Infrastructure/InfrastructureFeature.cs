using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Infrastructure;

public static class InfrastructureFeature
{
    public static WebApplicationBuilder AddInfrastructure(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AwsOptions>().BindConfiguration(AwsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LiveFeed>();
        services.AddSingleton<AwsClientFactory>();

        var connectionString = SqliteConnectionString(builder);
        // The factory serves singletons and pages; it also registers the scoped context.
        services.AddDbContextFactory<ConsoleDbContext>(options => options.UseSqlite(connectionString));
        services.AddHostedService<DatabaseMigrator>();

        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Say what was wrong with the request (its message names the parameter or the limit).
            if (context.Exception is BadHttpRequestException bad) context.ProblemDetails.Detail = bad.Message;
        });
        services.AddHealthChecks().AddDbContextCheck<ConsoleDbContext>("database", tags: [HealthTags.Live, HealthTags.Ready]);
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        return builder;
    }

    /// <summary>ConnectionStrings:Console, or a SQLite file in the app's data folder; the folder is made if missing.</summary>
    private static string SqliteConnectionString(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("Console");
        var connection = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={Path.Combine(builder.Environment.ContentRootPath, "data", "console.db")}"
            : configured);
        if (connection.DataSource is { Length: > 0 } file && file != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }
        connection.Pooling = true;
        return connection.ToString();
    }

    /// <summary>Every error as problem details. (/healthz and /healthz/ready are mapped by Observability.)</summary>
    public static WebApplication UseInfrastructure(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A body that is not JSON, too large or of the wrong shape is the caller's fault: 4xx, never 500.
            StatusCodeSelector = error => error is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        return app;
    }
}
