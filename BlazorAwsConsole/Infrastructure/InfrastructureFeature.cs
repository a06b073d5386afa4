using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using BlazorAwsConsole.Infrastructure.KeysAtRest;
using Microsoft.EntityFrameworkCore;
using Npgsql;

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

        // The factory serves singletons and pages; it also registers the scoped context.
        switch (ProviderOf(builder.Configuration))
        {
            case DatabaseProvider.Postgres:
                var postgres = PostgresConnectionString(builder);
                // Services still ask for ConsoleDbContext; this factory hands them the PostgreSQL type (own migrations).
                services.AddDbContextFactory<ConsoleDbContext, PostgresContextFactory>(options => options.UseNpgsql(postgres));
                break;
            default:
                var sqlite = SqliteConnectionString(builder);
                services.AddDbContextFactory<ConsoleDbContext>(options => options.UseSqlite(sqlite));
                break;
        }
        services.AddHostedService<DatabaseMigrator>();
        services.AddSingleton<StartupLock>();
        services.AddKeysAtRest();

        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Say what was wrong with the request (its message names the parameter or the limit).
            if (context.Exception is BadHttpRequestException bad) context.ProblemDetails.Detail = bad.Message;
        });
        services.AddHealthChecks().AddDbContextCheck<ConsoleDbContext>("database", tags: [HealthTags.Live, HealthTags.Ready]);
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        return builder;
    }

    /// <summary>Database:Provider, read while composing (it decides which EF Core provider is registered).</summary>
    public static DatabaseProvider ProviderOf(IConfiguration configuration)
    {
        var text = configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"];
        if (string.IsNullOrWhiteSpace(text)) return DatabaseProvider.Sqlite;
        return Enum.TryParse<DatabaseProvider>(text, ignoreCase: true, out var provider) && Enum.IsDefined(provider)
            ? provider
            : throw new InvalidOperationException($"Database:Provider '{text}' is not known; use Sqlite or Postgres.");
    }

    /// <summary>ConnectionStrings:Console as an Npgsql connection string; there is no default server.</summary>
    private static string PostgresConnectionString(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("Console");
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Console is empty; give an Npgsql connection string (Host=...;Database=...;Username=...;Password=...).");
        }
        try
        {
            return new NpgsqlConnectionStringBuilder(configured).ConnectionString;
        }
        catch (ArgumentException error)
        {
            // The message names the bad keyword; the string itself may hold a password, so it is not repeated.
            throw new InvalidOperationException($"ConnectionStrings:Console is not an Npgsql connection string: {error.Message}", error);
        }
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
