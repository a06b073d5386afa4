namespace BlazorAwsConsole.Infrastructure.Backup;

/// <summary>
/// Database:Provider, read as text so commands that only need to know which engine holds the data
/// (backup, restore, the cluster listing) work before and without that engine's EF Core provider.
/// </summary>
public static class DatabaseProvider
{
    public const string Key = "Database:Provider";
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary>The configured provider; Sqlite when unset.</summary>
    public static string Of(IConfiguration configuration) =>
        configuration[Key] is { Length: > 0 } value ? value.Trim() : Sqlite;

    public static bool IsSqlite(IConfiguration configuration) => string.Equals(Of(configuration), Sqlite, StringComparison.OrdinalIgnoreCase);
}
