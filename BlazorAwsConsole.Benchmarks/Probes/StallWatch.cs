using System.Diagnostics;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>
/// How long this process could not run when it wanted to: a thread sleeps 10 ms in a loop and records
/// by how much each sleep overran. Overruns come from the CPU being taken by other processes or from
/// the GC stopping every thread, not from Quartz; the soak's start lag cannot be shorter than they are.
/// </summary>
internal sealed class StallWatch : IDisposable
{
    private readonly List<double> _overrunsMs = [];
    private readonly Thread _thread;
    private volatile bool _stop;

    public StallWatch()
    {
        _thread = new Thread(Watch) { IsBackground = true, Name = "stall-watch", Priority = ThreadPriority.Normal };
        _thread.Start();
    }

    private void Watch()
    {
        while (!_stop)
        {
            var before = Stopwatch.GetTimestamp();
            Thread.Sleep(10);
            var overrun = Stopwatch.GetElapsedTime(before).TotalMilliseconds - 10;
            lock (_overrunsMs) _overrunsMs.Add(Math.Max(0, overrun));
        }
    }

    /// <summary>The overruns so far, sorted.</summary>
    public double[] OverrunsMs()
    {
        double[] copy;
        lock (_overrunsMs) copy = [.. _overrunsMs];
        Array.Sort(copy);
        return copy;
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
