using Microsoft.Data.Sqlite;

namespace BlazorAwsConsole.Infrastructure.Backup;

/// <summary>The copy itself, on SQLite: a consistent snapshot out, a checked console database in.</summary>
public static class SqliteBackup
{
    /// <summary>Tables every console database has from its first migration on.</summary>
    private static readonly string[] ConsoleTables = ["__EFMigrationsHistory", "Instances", "Regions", "AuditEntries"];

    /// <summary>
    /// VACUUM INTO: one read transaction, so the copy is the database as of one moment even while the
    /// console writes (writers wait for the copy, busy-retried by Microsoft.Data.Sqlite), compacted,
    /// and written beside the target first so a failed copy never leaves a half file under its name.
    /// </summary>
    public static async Task<BackupSummary> BackupAsync(string connectionString, string file, CancellationToken cancellationToken)
    {
        var source = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false };
        if (!File.Exists(source.DataSource)) throw new BackupRefused($"There is no console database at {source.DataSource}.");
        var target = Path.GetFullPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = $"{target}.partial-{Guid.NewGuid():n}";
        try
        {
            // Made empty and 0600 first (VACUUM INTO fills an empty file): a backup holds users, API-key hashes and the
            // encrypted key ring, and SQLite would create the file with the umask's mode, readable by everyone.
            OwnerOnlyFile.CreateNew(partial).Dispose();
            await using (var connection = new SqliteConnection(source.ToString()))
            {
                await connection.OpenAsync(cancellationToken);
                await using var vacuum = connection.CreateCommand();
                vacuum.CommandText = "VACUUM INTO $file";
                vacuum.Parameters.AddWithValue("$file", partial);
                await vacuum.ExecuteNonQueryAsync(cancellationToken);
            }
            var summary = await InspectAsync(partial, cancellationToken);
            File.Move(partial, target, overwrite: true);
            return summary;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// Checks the file is a whole console database (SQLite's quick_check, the console's tables, and no
    /// migration this build does not know), then copies it page by page over the configured database.
    /// </summary>
    public static async Task<BackupSummary> RestoreAsync(string file, string connectionString, IReadOnlyCollection<string> knownMigrations, CancellationToken cancellationToken)
    {
        var summary = await InspectAsync(file, cancellationToken);
        await RefuseCodeAsync(file, cancellationToken);
        var unknown = summary.Migrations.Except(knownMigrations).ToList();
        if (unknown.Count > 0)
        {
            throw new BackupRefused($"{file} was made by a newer console (migration {unknown[0]} is unknown to this one); restore it with that version.");
        }
        var target = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target.DataSource))!);
        await using var from = new SqliteConnection(ReadOnly(file));
        await using var to = new SqliteConnection(target.ToString());
        await from.OpenAsync(cancellationToken);
        await to.OpenAsync(cancellationToken);
        // The backup API writes through SQLite, so the target's journal is honoured and its old pages all replaced.
        from.BackupDatabase(to);
        return summary;
    }

    /// <summary>What a backup file holds; refuses a file that is not a console database.</summary>
    public static async Task<BackupSummary> InspectAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file)) throw new BackupRefused($"There is no file {file}.");
        try
        {
            await using var connection = new SqliteConnection(ReadOnly(file));
            await connection.OpenAsync(cancellationToken);
            var check = await ScalarAsync(connection, "PRAGMA quick_check", cancellationToken);
            if (check != "ok") throw new BackupRefused($"{file} is a damaged SQLite database ({check}).");
            var tables = await ListAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table'", cancellationToken);
            var missing = ConsoleTables.Except(tables).ToList();
            if (missing.Count > 0) throw new BackupRefused($"{file} is not a console database (it has no {string.Join(", ", missing)} table).");
            var migrations = await ListAsync(connection, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId", cancellationToken);
            long Count(string table) => tables.Contains(table) ? Convert.ToInt64(Scalar(connection, $"SELECT COUNT(*) FROM \"{table}\"")) : 0;
            return new BackupSummary(new FileInfo(file).Length, migrations, Count("SyntheticTests"), Count("ProbeResults"), Count("Instances"));
        }
        catch (SqliteException error)
        {
            throw new BackupRefused($"{file} is not a console database ({error.Message}).");
        }
    }

    /// <summary>
    /// The console's schema has no trigger and no view. One in a file to restore was put there by someone else, and
    /// would run (or answer) inside the console's own statements from then on: a trigger could copy every new
    /// password hash or API key into a table of its choosing, a view stand in for a table.
    /// </summary>
    private static async Task RefuseCodeAsync(string file, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ReadOnly(file));
        await connection.OpenAsync(cancellationToken);
        var code = await ListAsync(connection, "SELECT type || ' ' || name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY type, name", cancellationToken);
        if (code.Count > 0)
        {
            throw new BackupRefused($"{file} carries {string.Join(", ", code)}, which no console database has; it was changed outside the console. Nothing was restored.");
        }
    }

    private static string ReadOnly(string file) =>
        new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();

    private static async Task<string?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync(cancellationToken))?.ToString();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static async Task<List<string>> ListAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) values.Add(reader.GetString(0));
        return values;
    }
}

/// <summary>A console database file: its size, the migrations it is at, and a few counts to recognise it by.</summary>
public sealed record BackupSummary(long Bytes, IReadOnlyList<string> Migrations, long Tests, long Results, long Instances)
{
    public override string ToString() =>
        $"{Bytes / 1024.0:0.#} KiB, schema {Migrations.LastOrDefault() ?? "empty"}, {Tests} synthetic tests, {Results} results, {Instances} instances";
}

/// <summary>A backup or restore refused for a reason the operator can fix; its message says which.</summary>
public sealed class BackupRefused(string message) : Exception(message);
