namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// Events over the last minute (a node's scheduled runs, an agent's stored results), in one-second buckets: 60 counters,
/// no list of events, so counting costs nothing on the hot path.
/// </summary>
public sealed class MinuteCounter(TimeProvider time)
{
    private readonly long[] _counts = new long[60];
    private readonly long[] _seconds = new long[60];

    public void Add(int count = 1)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        var slot = (int)(second % 60);
        lock (_counts)
        {
            if (_seconds[slot] != second)
            {
                _seconds[slot] = second;
                _counts[slot] = 0;
            }
            _counts[slot] += count;
        }
    }

    public double PerMinute
    {
        get
        {
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            lock (_counts)
            {
                long sum = 0;
                for (var i = 0; i < 60; i++) if (now - _seconds[i] < 60) sum += _counts[i];
                return sum;
            }
        }
    }
}
