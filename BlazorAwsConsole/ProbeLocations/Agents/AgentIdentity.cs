namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>Who dialled in, once <see cref="AgentGate"/> let it through: the hub reads it from the connection's request.</summary>
public sealed record AgentIdentity(LocationTokenMatch Token, string Name, string InstanceId, string Version, string? Address)
{
    private static readonly object Key = new();

    public void AttachTo(HttpContext context) => context.Items[Key] = this;

    public static AgentIdentity? Of(HttpContext? context) => context?.Items.TryGetValue(Key, out var value) == true ? value as AgentIdentity : null;
}
