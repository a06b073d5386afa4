namespace BlazorAwsConsole.Fleet.Components;

/// <summary>Rows are replaced by new objects on every change; selection follows the instance id.</summary>
public sealed class InstanceIdComparer : IEqualityComparer<Instance>
{
    public static InstanceIdComparer Instance { get; } = new();

    public bool Equals(Fleet.Instance? x, Fleet.Instance? y) => x?.InstanceId == y?.InstanceId;

    public int GetHashCode(Fleet.Instance obj) => StringComparer.Ordinal.GetHashCode(obj.InstanceId);
}
