using System.Collections.Immutable;

namespace BlazorAwsConsole.Secrets;

/// <summary>
/// The credential sets and which region each serves, held once per node so the (synchronous) AWS
/// client factory can choose without a database call. Replaced whole after every change; at most
/// one entry per credential set.
/// </summary>
public sealed class CredentialDirectory
{
    private ImmutableDictionary<string, CredentialSet> _byName = ImmutableDictionary<string, CredentialSet>.Empty;
    private ImmutableDictionary<string, CredentialSet> _byRegion = ImmutableDictionary<string, CredentialSet>.Empty;

    public IReadOnlyCollection<CredentialSet> All => _byName.Values.ToList();

    public CredentialSet? Find(string name) => _byName.GetValueOrDefault(name);

    public CredentialSet? ForRegion(string region) => _byRegion.GetValueOrDefault(region);

    internal void Load(IEnumerable<CredentialSet> sets)
    {
        var list = sets.ToList();
        _byName = list.ToImmutableDictionary(s => s.Name, StringComparer.Ordinal);
        // The service keeps regions unique across sets; should the database disagree, the first name wins, predictably.
        _byRegion = list.OrderBy(s => s.Name, StringComparer.Ordinal)
            .SelectMany(s => s.Regions.Select(r => (Region: r, Set: s)))
            .GroupBy(p => p.Region, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.First().Set, StringComparer.Ordinal);
    }
}
