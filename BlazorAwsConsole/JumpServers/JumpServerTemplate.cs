namespace BlazorAwsConsole.JumpServers;

/// <summary>
/// A jump server template's identity: its id stays the same across edits, which add versions.
/// The name lives here too so that two templates can never share one (it names their security groups).
/// </summary>
public sealed class JumpServerTemplate
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int LatestVersion { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<JumpServerTemplateVersion> Versions { get; set; } = [];
}

/// <summary>One saved version of a template; never changed after it is written, so a jump server can name the version it was built from.</summary>
public sealed class JumpServerTemplateVersion
{
    public long Id { get; set; }
    public int TemplateId { get; set; }
    public int Version { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public required string Region { get; set; }
    public required string AmiId { get; set; }
    public required string InstanceType { get; set; }
    public required string SubnetId { get; set; }
    public string? KeyName { get; set; }
    public List<SecurityGroupRule> SecurityGroupRules { get; set; } = [];
    /// <summary>Plain text; base64-encoded only when sent to EC2.</summary>
    public string UserData { get; set; } = "";
    public string? IamInstanceProfile { get; set; }
    public int RootVolumeSizeGb { get; set; }
    public bool EncryptRootVolume { get; set; } = true;
    public bool RequireImdsv2 { get; set; } = true;
    public bool AssociatePublicIp { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public int? TtlMinutes { get; set; }
    public TtlAction TtlAction { get; set; } = TtlAction.Stop;
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

/// <summary>One ingress rule: a protocol, a port range and one source CIDR (IPv4 or IPv6).</summary>
public sealed record SecurityGroupRule(string Protocol, int FromPort, int ToPort, string Cidr, string? Description);

public enum TtlAction
{
    Stop,
    Terminate,
}
