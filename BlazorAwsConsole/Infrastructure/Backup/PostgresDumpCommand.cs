using System.Data.Common;

namespace BlazorAwsConsole.Infrastructure.Backup;

/// <summary>
/// On PostgreSQL the console copies nothing itself: the engine's own pg_dump and pg_restore do it
/// better (consistent snapshots, parallel restore). This builds their command lines from the
/// Npgsql connection string, leaving the password out (pg_dump reads PGPASSWORD or ~/.pgpass).
/// </summary>
public static class PostgresDumpCommand
{
    /// <summary>In a subshell with umask 077, so the dump (users, API-key hashes, the encrypted key ring) is made 0600.</summary>
    public static string Dump(string connectionString, string file) =>
        $"(umask 077 && pg_dump --format=custom {Target(connectionString)} --file={Quote(file)})";

    public static string Restore(string connectionString, string file) =>
        $"pg_restore --clean --if-exists --no-owner {Target(connectionString)} {Quote(file)}";

    private static string Target(string connectionString)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Read(params string[] keys) => keys.Select(k => parts.TryGetValue(k, out var v) ? v?.ToString() : null).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var words = new List<string>();
        if (Read("Host", "Server") is { } host) words.Add($"--host={Quote(host)}");
        if (Read("Port") is { } port) words.Add($"--port={Quote(port)}");
        if (Read("Username", "User ID", "User Id", "UserId", "User") is { } user) words.Add($"--username={Quote(user)}");
        if (Read("Database", "DB") is { } database) words.Add($"--dbname={Quote(database)}");
        return string.Join(' ', words);
    }

    /// <summary>Single-quoted for a POSIX shell when it holds anything but plain characters.</summary>
    private static string Quote(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or ':' or ',')
            ? value
            : "'" + value.Replace("'", "'\\''") + "'";
}
