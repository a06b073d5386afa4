using Microsoft.Data.Sqlite;

namespace BlazorAwsConsole.Infrastructure.Backup;

/// <summary>
/// "A console is running on this SQLite file": an exclusive lock on the file "DATABASE.lock" beside
/// it, held by the running console for its whole life and by `restore` while it replaces the data.
/// An idle console holds no SQLite lock at all, so the database file itself cannot tell; the lock is
/// released by the operating system when the process dies, so a crash never leaves a stale lock.
/// </summary>
public sealed class ConsoleDatabaseLock : IDisposable
{
    private readonly FileStream _stream;

    private ConsoleDatabaseLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The lock file of a SQLite connection string; null for an in-memory database.</summary>
    public static string? PathFor(string sqliteConnectionString)
    {
        var file = new SqliteConnectionStringBuilder(sqliteConnectionString).DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:") return null;
        return System.IO.Path.GetFullPath(file) + ".lock";
    }

    /// <summary>Takes the lock, or returns null when another process (or console) holds it.</summary>
    public static ConsoleDatabaseLock? TryTake(string path)
    {
        try
        {
            // FileShare.None is an exclusive flock(2) on Linux and a share-mode lock on Windows.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new ConsoleDatabaseLock(stream, path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
