using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>Lets `dotnet ef migrations add --context ConsoleDbContext` build the SQLite model without starting the console (and moto).</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ConsoleDbContext>
{
    public ConsoleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ConsoleDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
