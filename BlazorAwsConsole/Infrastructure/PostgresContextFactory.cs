using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// IDbContextFactory&lt;ConsoleDbContext&gt; on PostgreSQL: makes <see cref="PostgresConsoleDbContext"/>s, so the
/// services and pages that ask for ConsoleDbContext stay unchanged while EF Core applies the PostgreSQL migrations.
/// </summary>
public sealed class PostgresContextFactory(DbContextOptions<ConsoleDbContext> options) : IDbContextFactory<ConsoleDbContext>
{
    public ConsoleDbContext CreateDbContext() => new PostgresConsoleDbContext(options);
}
