using System.Text.Json;

namespace BlazorAwsConsole.ProbeLocations.Agents.Runtime;

/// <summary>
/// The spool's copy on disk (--spool-dir), so an agent that restarts — a crash, kill -9, an upgrade, a host reboot —
/// still sends the runs it made while the console was away. One JSON line per result, appended as it is made, and one per
/// acknowledgement (the highest sequence the console settled); when the lines outnumber the results still waiting, the
/// file is rewritten with those only (a new file renamed over the old), so it stays within about twice the spool. The
/// file is held open exclusively: two agents cannot share one. An acknowledgement lost in a crash only means a batch is
/// sent again, which the console stores once.
/// </summary>
public sealed class AgentSpoolFile : IDisposable
{
    public const string FileName = "spool.jsonl";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>A line of the file: a result made, or the console's acknowledgement of every result up to a sequence.</summary>
    private sealed record Line(AgentResult? Result = null, long? Acknowledged = null);

    private readonly string _path;
    private FileStream _stream;
    private int _lines;

    private AgentSpoolFile(string path, FileStream stream, int lines)
    {
        _path = path;
        _stream = stream;
        _lines = lines;
    }

    /// <summary>Opens (or creates) the spool file in <paramref name="directory"/> and returns what it holds, oldest first.</summary>
    /// <exception cref="IOException">Another agent holds the file, or the directory cannot be written.</exception>
    public static (AgentSpoolFile File, List<AgentResult> Results, int Unreadable) Open(string directory)
    {
        // Results can carry what a target answered: the directory and file are the agent user's alone.
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(directory, FileName);
        FileStream stream;
        try
        {
            stream = Infrastructure.OwnerOnlyFile.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        }
        catch (IOException error)
        {
            throw new IOException($"the spool file {path} is in use (another agent with the same --spool-dir?) or cannot be opened: {error.Message}", error);
        }
        var results = new List<AgentResult>();
        var acknowledged = 0L;
        var unreadable = 0;
        var lines = 0;
        using (var reader = new StreamReader(stream, leaveOpen: true))
        {
            while (reader.ReadLine() is { } line)
            {
                lines++;
                // A line cut short by a crash mid-write (the last one) is skipped, not fatal.
                try
                {
                    switch (JsonSerializer.Deserialize<Line>(line, Json))
                    {
                        case { Result: { } result }: results.Add(result); break;
                        case { Acknowledged: { } upTo }: acknowledged = Math.Max(acknowledged, upTo); break;
                        default: unreadable++; break;
                    }
                }
                catch (JsonException)
                {
                    unreadable++;
                }
            }
        }
        stream.Seek(0, SeekOrigin.End);
        if (stream.Length > 0)
        {
            // The last line cut short: end it, so the next result starts a line of its own.
            stream.Seek(-1, SeekOrigin.End);
            if (stream.ReadByte() != '\n') stream.WriteByte((byte)'\n');
        }
        return (new AgentSpoolFile(path, stream, lines), [.. results.Where(r => r.Sequence > acknowledged)], unreadable);
    }

    /// <summary>Appends one result (handed to the OS at once: a killed process loses nothing it appended).</summary>
    public void Append(AgentResult result) => Write(new Line(Result: result));

    /// <summary>Notes that the console settled every result up to <paramref name="sequence"/>.</summary>
    public void Acknowledge(long sequence) => Write(new Line(Acknowledged: sequence));

    private void Write(Line line)
    {
        _stream.Write(JsonSerializer.SerializeToUtf8Bytes(line, Json));
        _stream.WriteByte((byte)'\n');
        _stream.Flush();
        _lines++;
    }

    /// <summary>Rewrites the file with <paramref name="waiting"/> only, when the lines it holds are mostly acknowledged ones.</summary>
    public void CompactIfWorthIt(IReadOnlyCollection<AgentResult> waiting)
    {
        if (_lines <= 2 * waiting.Count + 1000) return;
        var next = _path + ".next";
        using (var fresh = Infrastructure.OwnerOnlyFile.Open(next, FileMode.Create, FileAccess.Write))
        {
            foreach (var result in waiting)
            {
                fresh.Write(JsonSerializer.SerializeToUtf8Bytes(new Line(Result: result), Json));
                fresh.WriteByte((byte)'\n');
            }
            fresh.Flush(flushToDisk: true);
        }
        // Renamed over the old one while it is still held, then the new one is held: no moment without a whole file.
        File.Move(next, _path, overwrite: true);
        var reopened = Infrastructure.OwnerOnlyFile.Open(_path, FileMode.Open, FileAccess.ReadWrite);
        reopened.Seek(0, SeekOrigin.End);
        _stream.Dispose();
        _stream = reopened;
        _lines = waiting.Count;
    }

    public void Dispose() => _stream.Dispose();
}
