using System.Collections.Immutable;

namespace BlazorAwsConsole.Fleet;

/// <summary>
/// The fleet as every page on this node shows it, held once (DESIGN.md). Components and the API
/// read it; only <see cref="FleetStore"/> replaces its contents. Its size is the fleet's size: one
/// entry per instance in the database, no history.
/// </summary>
public sealed class FleetSnapshot
{
    private ImmutableDictionary<string, Instance> _instances = ImmutableDictionary<string, Instance>.Empty;
    private ImmutableDictionary<string, RegionSyncStatus> _regions = ImmutableDictionary<string, RegionSyncStatus>.Empty;
    private Views? _views;

    /// <summary>The instances; treat them as read-only.</summary>
    public IEnumerable<Instance> Instances => _instances.Values;

    public int Count => _instances.Count;

    /// <summary>All instances by region, then name, then id: built once per change and shared by every page.</summary>
    public ImmutableArray<Instance> Ordered => CurrentViews().Ordered;

    public IReadOnlyDictionary<string, int> CountsByState => CurrentViews().ByState;

    public IReadOnlyDictionary<string, int> CountsByRegion => CurrentViews().ByRegion;

    public Instance? Find(string instanceId) => _instances.GetValueOrDefault(instanceId);

    /// <summary>Regions in the order they were configured.</summary>
    public IReadOnlyList<RegionSyncStatus> Regions => _regions.Values.OrderBy(r => r.Code, StringComparer.Ordinal).ToList();

    public RegionSyncStatus? Region(string code) => _regions.GetValueOrDefault(code);

    internal void Load(IEnumerable<Instance> instances)
    {
        _instances = instances.ToImmutableDictionary(i => i.InstanceId, StringComparer.Ordinal);
        _views = null;
    }

    internal void Apply(IEnumerable<Instance> upserted, IEnumerable<string> removed)
    {
        _instances = _instances.SetItems(upserted.Select(i => KeyValuePair.Create(i.InstanceId, i))).RemoveRange(removed);
        _views = null;
    }

    private Views CurrentViews()
    {
        var instances = _instances;
        var views = _views;
        if (views is not null && ReferenceEquals(views.Source, instances)) return views;
        views = new Views(
            instances,
            instances.Values
                .OrderBy(i => i.Region, StringComparer.Ordinal)
                .ThenBy(i => i.Name, StringComparer.OrdinalIgnoreCase)
                .ThenBy(i => i.InstanceId, StringComparer.Ordinal)
                .ToImmutableArray(),
            instances.Values.GroupBy(i => i.State).ToImmutableDictionary(g => g.Key, g => g.Count()),
            instances.Values.GroupBy(i => i.Region).ToImmutableDictionary(g => g.Key, g => g.Count()));
        _views = views;
        return views;
    }

    private sealed record Views(
        ImmutableDictionary<string, Instance> Source,
        ImmutableArray<Instance> Ordered,
        ImmutableDictionary<string, int> ByState,
        ImmutableDictionary<string, int> ByRegion);

    // Regions read at once report their progress from several threads.
    internal void SetRegion(RegionSyncStatus status) => ImmutableInterlocked.Update(ref _regions, regions => regions.SetItem(status.Code, status));

    internal void SetRegions(IEnumerable<RegionSyncStatus> statuses) =>
        _regions = statuses.ToImmutableDictionary(s => s.Code, StringComparer.Ordinal);
}
