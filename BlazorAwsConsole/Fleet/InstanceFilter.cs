namespace BlazorAwsConsole.Fleet;

/// <summary>The one filter behind the Fleet grid and GET /api/instances.</summary>
/// <param name="Health">A status-check filter: impaired, initializing, passed, scheduled (see <see cref="FleetHealth.Filters"/>).</param>
public sealed record InstanceFilter(string? Region = null, string? State = null, string? TagKey = null, string? TagValue = null, string? Text = null,
    string? Health = null)
{
    public static IReadOnlyList<string> States { get; } = ["pending", "running", "stopping", "stopped", "shutting-down", "terminated"];

    public bool Matches(Instance instance) =>
        (string.IsNullOrEmpty(Region) || instance.Region == Region) &&
        (string.IsNullOrEmpty(State) || instance.State == State) &&
        (string.IsNullOrEmpty(Health) || FleetHealth.Matches(instance, Health)) &&
        (string.IsNullOrEmpty(TagKey) || (instance.Tags.TryGetValue(TagKey, out var value) && (TagValue is null || value == TagValue))) &&
        (string.IsNullOrWhiteSpace(Text) || MatchesText(instance, Text.Trim()));

    /// <summary>Free text matches the id, name, either IP and any tag key or value, ignoring case.</summary>
    private static bool MatchesText(Instance instance, string text) =>
        Contains(instance.InstanceId, text) ||
        Contains(instance.Name, text) ||
        Contains(instance.PrivateIp, text) ||
        Contains(instance.PublicIp, text) ||
        instance.Tags.Any(tag => Contains(tag.Key, text) || Contains(tag.Value, text));

    private static bool Contains(string? value, string text) =>
        value is not null && value.Contains(text, StringComparison.OrdinalIgnoreCase);

    public bool IsEmpty => string.IsNullOrEmpty(Region) && string.IsNullOrEmpty(State) && string.IsNullOrEmpty(TagKey) && string.IsNullOrEmpty(Health)
        && string.IsNullOrWhiteSpace(Text);

    public IEnumerable<Instance> Apply(IEnumerable<Instance> instances) => instances.Where(Matches);
}
