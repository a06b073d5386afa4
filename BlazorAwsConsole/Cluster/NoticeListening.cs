namespace BlazorAwsConsole.Cluster;

/// <summary>Published by <see cref="NoticeListener"/> when its LISTEN was put in place (again) or its connection was lost.</summary>
public sealed record NoticeListeningChanged(bool Listening);

/// <summary>
/// Whether this node hears the other nodes' notices right now (PostgreSQL only; registered with the cluster notices).
/// Until its listener's first LISTEN and from a lost connection to the next one, a notice sent by another node is lost,
/// so what this node keeps in memory on the strength of "a notice will tell me" — the status pages' cached views and
/// responses — must not be served from memory meanwhile (<see cref="StatusPages.StatusViewCache"/>).
/// </summary>
public sealed class NoticeListening
{
    private volatile bool _listening;

    public bool IsListening => _listening;

    internal void Set(bool listening) => _listening = listening;
}
