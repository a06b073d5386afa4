namespace BlazorAwsConsole.Probes.Ssm;

/// <summary>POSIX shell single quoting: the only way a value enters a probe script.</summary>
public static class ShellQuoting
{
    /// <summary>
    /// <c>'…'</c> with each <c>'</c> written as <c>'\''</c> (close, escaped quote, reopen). Inside single
    /// quotes the shell expands nothing — no <c>$</c>, backtick, backslash or newline is special —
    /// so the value reaches the variable byte for byte. NUL cannot be held by a shell variable and is refused.
    /// </summary>
    public static string Quote(string value)
    {
        if (value.Contains('\0')) throw new ArgumentException("A shell value cannot contain a NUL character.", nameof(value));
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary><c>NAME='value'</c>.</summary>
    public static string Assign(string name, string value) => $"{name}={Quote(value)}";

    /// <summary><c>NAME=('a' 'b')</c>: a bash array of quoted values.</summary>
    public static string AssignArray(string name, IEnumerable<string> values) =>
        $"{name}=({string.Join(' ', values.Select(Quote))})";
}
