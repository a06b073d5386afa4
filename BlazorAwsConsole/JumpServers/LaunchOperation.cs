namespace BlazorAwsConsole.JumpServers;

public enum OperationStatus
{
    Running,
    Succeeded,
    Failed,
}

public enum StepStatus
{
    Pending,
    Running,
    Done,
    Failed,
    Skipped,
    RolledBack,
}

/// <summary>One launch of a jump server, step by step, kept so its outcome can be read after the dialog closed.</summary>
public sealed class LaunchOperation
{
    public Guid Id { get; set; }
    public int TemplateId { get; set; }
    public int TemplateVersion { get; set; }
    public required string Region { get; set; }
    public OperationStatus Status { get; set; }
    public string? InstanceId { get; set; }
    public string? SecurityGroupId { get; set; }
    public string? Error { get; set; }
    public required string StartedBy { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public List<LaunchStep> Steps { get; set; } = [];
}

public sealed class LaunchStep
{
    public required string Name { get; set; }
    public StepStatus Status { get; set; }
    public string? Detail { get; set; }
}

/// <summary>Published on the live feed whenever a launch operation's steps or status change.</summary>
public sealed record LaunchProgress(Guid OperationId, OperationStatus Status);

/// <summary>Published on the live feed after a template was created, edited or deleted.</summary>
public sealed record TemplatesChanged(int TemplateId);
