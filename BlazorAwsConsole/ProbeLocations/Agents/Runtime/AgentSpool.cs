namespace BlazorAwsConsole.ProbeLocations.Agents.Runtime;

/// <summary>
/// The agent's results not yet acknowledged by the console, in the order they were made, in memory and bounded
/// (<see cref="ProbeAgentOptions.SpoolLimit"/>, 50,000 by default): past the bound the oldest result is dropped, counted
/// (<see cref="Dropped"/>) and logged. A result leaves only when the console acknowledged the batch that carried it.
/// With <see cref="ProbeAgentOptions.SpoolDirectory"/> the spool is also on disk (<see cref="AgentSpoolFile"/>) and a
/// restarted agent starts with what it had not sent.
/// </summary>
public sealed class AgentSpool : IDisposable
{
    private readonly LinkedList<AgentResult> _results = new();
    private readonly SemaphoreSlim _added = new(0, 1);
    private readonly ProbeAgentOptions _options;
    private readonly ILogger<AgentSpool> _logger;
    private readonly AgentSpoolFile? _file;
    private long _sequence;
    private long _dropped;

    public AgentSpool(ProbeAgentOptions options, ILogger<AgentSpool> logger)
    {
        _options = options;
        _logger = logger;
        if (options.SpoolDirectory is not { } directory) return;
        var (file, kept, unreadable) = AgentSpoolFile.Open(directory);
        _file = file;
        foreach (var result in kept.TakeLast(options.SpoolLimit)) _results.AddLast(result);
        _sequence = kept.Count > 0 ? kept.Max(r => r.Sequence) : 0;
        if (kept.Count > 0 || unreadable > 0)
        {
            logger.LogInformation("Result spool {Directory}: {Count} results not yet sent from before this start ({Unreadable} unreadable lines skipped)",
                directory, _results.Count, unreadable);
        }
    }

    public int Count
    {
        get { lock (_results) return _results.Count; }
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Adds a result made now (its sequence number is given here); drops the oldest past the bound.</summary>
    public void Add(AgentResult result)
    {
        long dropped = 0;
        lock (_results)
        {
            var numbered = result with { Sequence = ++_sequence };
            _results.AddLast(numbered);
            _file?.Append(numbered);
            while (_results.Count > _options.SpoolLimit)
            {
                _results.RemoveFirst();
                dropped = Interlocked.Increment(ref _dropped);
            }
            _file?.CompactIfWorthIt(_results);
        }
        // The first drop, then every 1000th: a console away for hours does not fill the log.
        if (dropped is 1 || dropped % 1000 == 0 && dropped > 0)
        {
            _logger.LogWarning("Result spool full ({Limit} results): the oldest were dropped, {Dropped} since start", _options.SpoolLimit, dropped);
        }
        if (_added.CurrentCount == 0)
        {
            try { _added.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    /// <summary>The oldest results, up to <paramref name="max"/>, without removing them.</summary>
    public IReadOnlyList<AgentResult> Oldest(int max)
    {
        lock (_results) return [.. _results.Take(max)];
    }

    /// <summary>The console acknowledged every result up to <paramref name="sequence"/>: they leave the spool.</summary>
    public void Acknowledged(long sequence)
    {
        lock (_results)
        {
            while (_results.First is { } first && first.Value.Sequence <= sequence) _results.RemoveFirst();
            _file?.Acknowledge(sequence);
            _file?.CompactIfWorthIt(_results);
        }
    }

    /// <summary>Waits until a result is added (or <paramref name="timeout"/> passes).</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _added.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        lock (_results) _file?.Dispose();
    }
}
