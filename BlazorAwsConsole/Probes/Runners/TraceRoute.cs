namespace BlazorAwsConsole.Probes.Runners;

/// <summary>Route comparison for the engine's route-change flag.</summary>
public static class TraceRoute
{
    /// <summary>
    /// The path as one comparable string: the hop addresses in order, "*" for a hop nobody answered
    /// ("10.0.0.1 > * > 10.0.2.2"). Two runs took the same route when their signatures are equal.
    /// Names and round trips are left out: they change without the route changing.
    /// </summary>
    public static string SignatureOf(TracerouteDetails details) =>
        string.Join(" > ", details.Hops.OrderBy(h => h.Hop).Select(h => h.Address ?? "*"));

    /// <summary>
    /// True when the two runs' paths differ. A hop that was silent ("*") in either run is not
    /// counted as a change on its own (routers drop ICMP under load), only a different address is.
    /// </summary>
    public static bool Changed(TracerouteDetails previous, TracerouteDetails current)
    {
        var before = previous.Hops.OrderBy(h => h.Hop).Select(h => h.Address).ToList();
        var now = current.Hops.OrderBy(h => h.Hop).Select(h => h.Address).ToList();
        if (previous.Reached && current.Reached && before.Count != now.Count) return true;
        for (var i = 0; i < Math.Min(before.Count, now.Count); i++)
        {
            if (before[i] is not null && now[i] is not null && before[i] != now[i]) return true;
        }
        return previous.Reached != current.Reached;
    }
}
