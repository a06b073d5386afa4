namespace BlazorAwsConsole.Infrastructure;

/// <summary>Settings section "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Which engine ConnectionStrings:Console points at: the embedded SQLite file (one node) or PostgreSQL (one or more nodes).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations when the console starts; switch off where `BlazorAwsConsole migrate` runs separately.</summary>
    public bool MigrateAtStartup { get; set; } = true;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
