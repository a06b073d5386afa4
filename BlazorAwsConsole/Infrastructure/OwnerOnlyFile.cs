namespace BlazorAwsConsole.Infrastructure;

/// <summary>Files only the console's own account may read: its key-encryption key and its backups, a probe agent's spool.</summary>
public static class OwnerOnlyFile
{
    /// <summary>
    /// Creates <paramref name="path"/>, failing when it exists (O_EXCL), with mode 0600 from the start: there is no
    /// moment, as there would be with a chmod afterwards, when another account could open it.
    /// </summary>
    public static FileStream CreateNew(string path) => Open(path, FileMode.CreateNew, FileAccess.Write);

    /// <summary>Opens <paramref name="path"/> for this process alone (no other open of it, here or elsewhere); created with mode 0600 when <paramref name="mode"/> creates it.</summary>
    public static FileStream Open(string path, FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows() && mode is not (FileMode.Open or FileMode.Truncate or FileMode.Append)) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }

    /// <summary>True when a group or other account may read or write <paramref name="path"/> (always false on Windows).</summary>
    public static bool IsOpenToOthers(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0;
}
