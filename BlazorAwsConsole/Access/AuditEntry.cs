namespace BlazorAwsConsole.Access;

/// <summary>One line of the append-only access log. Never holds a secret.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    /// <summary>The user name, "apikey:NAME", or "anonymous".</summary>
    public string Actor { get; set; } = "";
    public string? Address { get; set; }
    /// <summary>What was done: "sign-in", "instance.stop", "api POST /api/…", "user.add", …</summary>
    public string Action { get; set; } = "";
    /// <summary>What it was done to: an instance id, a user name, a path.</summary>
    public string Target { get; set; } = "";
    /// <summary>"ok", "denied", "failed: …", or an HTTP status.</summary>
    public string Result { get; set; } = "";
}
