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
    /// start at once on one file: each writes its own key to a private file, and the one whose link to the name
    /// succeeds wins; every other reads the winner's file, which is complete from the moment it has its name.
    /// </summary>
    public static (KeyEncryptionKey Key, bool Created) ReadOrCreate(string path)
    {
        if (Read(path) is { } existing) return (existing, false);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var key = KeyEncryptionKey.Generate();
        var partial = $"{full}.partial-{Guid.NewGuid():n}";
        try
        {
            using (var stream = OwnerOnlyFile.CreateNew(partial))
            {
                stream.Write(Encoding.ASCII.GetBytes(key.ToText() + "\n"));
                stream.Flush(flushToDisk: true);
            }
            try
            {
                // Without overwrite, .NET moves by link(2) then unlink on Linux: it fails when the name exists.
                File.Move(partial, full, overwrite: false);
                return (key, true);
            }
            catch (IOException) when (File.Exists(full))
            {
                return (Read(full) ?? throw new KeysAtRestRefused($"The key-encryption key file {full} vanished while it was read."), false);
            }
        }
        finally
        {
            File.Delete(partial);
        }
    }
}
