using System.Text;

namespace BlazorAwsConsole.Infrastructure.KeysAtRest;

/// <summary>A key-encryption key kept in a file of its own (base64 of 32 bytes and a newline), mode 0600.</summary>
public static class KeyEncryptionKeyFile
{
    /// <summary>The key in <paramref name="path"/>; null when there is no such file.</summary>
    public static KeyEncryptionKey? Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return KeyEncryptionKey.Parse(text) ?? throw new KeysAtRestRefused(
            $"The key-encryption key file {path} does not hold a 256-bit key (base64 of 32 bytes, as the console writes it or `openssl rand -base64 32` makes it).");
    }

    /// <summary>
    /// The key in <paramref name="path"/>, made first when there is none. Race-safe between nodes (or processes) that
    /// start at once on one file: the name is created exclusively (O_EXCL), so exactly one of them makes it and writes
    /// its key; every other reads that file, waiting a moment while the winner is still writing it. (A private file
    /// moved onto the name was not enough: .NET falls back from link(2) to "check, then rename" on file systems without
    /// hard links, and two nodes then each kept their own key.)
    /// </summary>
    public static (KeyEncryptionKey Key, bool Created) ReadOrCreate(string path)
    {
        var full = Path.GetFullPath(path);
        if (ReadWritten(full) is { } existing) return (existing, false);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var key = KeyEncryptionKey.Generate();
        try
        {
            using var stream = OwnerOnlyFile.CreateNew(full);
            stream.Write(Encoding.ASCII.GetBytes(key.ToText() + "\n"));
            stream.Flush(flushToDisk: true);
            return (key, true);
        }
        catch (IOException) when (File.Exists(full))
        {
            return (ReadWritten(full) ?? throw new KeysAtRestRefused($"The key-encryption key file {full} vanished while it was read."), false);
        }
    }

    /// <summary>Longest wait for a key file another node has just created to hold its key.</summary>
    private static readonly TimeSpan WriteWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <see cref="Read"/>, but a file that does not hold a key yet (or is locked) is read again for up to <see cref="WriteWait"/>:
    /// another node may have created it a moment ago and still be writing it. One that still holds no key then is refused as before.
    /// </summary>
    private static KeyEncryptionKey? ReadWritten(string path)
    {
        var until = DateTime.UtcNow + WriteWait;
        while (true)
        {
            try
            {
                return Read(path);
            }
            // Not a key yet, or the file still locked by its writer (.NET on Unix locks a file it opened for writing
            // with no sharing, and a reader meanwhile gets "used by another process").
            catch (Exception error) when (error is KeysAtRestRefused or IOException && DateTime.UtcNow < until)
            {
                Thread.Sleep(20);
            }
        }
    }
}
