using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// The console's model on PostgreSQL (Database:Provider=Postgres). A type of its own only so EF Core keeps a
/// second migration set (Infrastructure/Migrations/Postgres); the model itself is <see cref="ConsoleDbContext"/>'s.
/// Services never name this type: they get it as ConsoleDbContext.
/// </summary>
public sealed class PostgresConsoleDbContext(DbContextOptions<ConsoleDbContext> options) : ConsoleDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        base.ConfigureConventions(configuration);
        // Times are UTC everywhere in the console and live in timestamptz columns; Npgsql refuses a DateTime
        // whose Kind is not Utc there, while SQLite reads back Unspecified. Saying "this is UTC" on the way in
        // keeps code written against either provider working on both.
        configuration.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configuration.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        value => value.Kind == DateTimeKind.Utc ? value : value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
