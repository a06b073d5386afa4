using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// Lets `dotnet ef migrations add --context PostgresConsoleDbContext` build the PostgreSQL model. No server is
/// contacted to add a migration; `dotnet ef database update` would use this placeholder connection string.
/// </summary>
public sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresConsoleDbContext>
{
    public PostgresConsoleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ConsoleDbContext>().UseNpgsql("Host=localhost;Database=console").Options);
}
