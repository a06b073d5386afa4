namespace BlazorAwsConsole.Fleet;

/// <summary>Published on the live feed after every poll or action that touched the fleet.</summary>
/// <param name="Changes">The change records written (empty when a poll found nothing new).</param>
/// <param name="Regions">The regions whose status was updated.</param>
public sealed record FleetChanged(IReadOnlyList<InstanceChange> Changes, IReadOnlyList<string> Regions);
