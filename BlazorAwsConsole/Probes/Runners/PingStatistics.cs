namespace BlazorAwsConsole.Probes.Runners;

/// <summary>Loss and round-trip statistics of a series of echoes (shared with the SSM parsers' shape).</summary>
public static class PingStatistics
{
    public static PingDetails Of(int sent, IReadOnlyList<double> rtts)
    {
        if (rtts.Count == 0) return new PingDetails { Sent = sent, Received = 0, LossPercent = sent == 0 ? 0 : 100 };
        var avg = rtts.Average();
        var variance = rtts.Sum(r => (r - avg) * (r - avg)) / rtts.Count;
        return new PingDetails
        {
            Sent = sent,
            Received = rtts.Count,
            LossPercent = Math.Round(100.0 * (sent - rtts.Count) / sent, 1),
            MinMs = Math.Round(rtts.Min(), 3),
            AvgMs = Math.Round(avg, 3),
            MaxMs = Math.Round(rtts.Max(), 3),
            StdDevMs = Math.Round(Math.Sqrt(variance), 3),
        };
    }
}
