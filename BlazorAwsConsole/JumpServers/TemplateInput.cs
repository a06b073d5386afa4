namespace BlazorAwsConsole.JumpServers;

/// <summary>
/// A template as the API receives it and the edit dialog holds it (camelCase JSON; the names are
/// part of the API contract). Omitted fields take the safe defaults: encrypted root volume, IMDSv2.
/// </summary>
public sealed class TemplateInput
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Region { get; set; }
    public string? AmiId { get; set; }
    public string? InstanceType { get; set; }
    /// <summary>Empty: the default subnet of the region's default VPC (in <see cref="AvailabilityZone"/>), found when the template is saved.</summary>
    public string? SubnetId { get; set; }
    /// <summary>Only with no <see cref="SubnetId"/>: the zone whose default subnet to use (empty: the first zone that has one).</summary>
    public string? AvailabilityZone { get; set; }
    public string? KeyName { get; set; }
    public List<RuleInput> SecurityGroupRules { get; set; } = [];
    public string? UserData { get; set; }
    public string? IamInstanceProfile { get; set; }
    public int RootVolumeSizeGb { get; set; } = 8;
    public bool EncryptRootVolume { get; set; } = true;
    public bool RequireImdsv2 { get; set; } = true;
    public bool AssociatePublicIp { get; set; } = true;
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public int? TtlMinutes { get; set; } = 240;
    public string? TtlAction { get; set; } = "stop";
    /// <summary>Must be true to save a rule that opens SSH or RDP to the whole internet.</summary>
    public bool ConfirmOpenToWorld { get; set; }

    /// <summary>JSON may send null for a list or a map; treat it as empty rather than fail later.</summary>
    public TemplateInput Normalized()
    {
        SecurityGroupRules ??= [];
        Tags ??= new(StringComparer.Ordinal);
        return this;
    }

    public static TemplateInput From(JumpServerTemplateVersion v) => new()
    {
        Name = v.Name,
        Description = v.Description,
        Region = v.Region,
        AmiId = v.AmiId,
        InstanceType = v.InstanceType,
        SubnetId = v.SubnetId,
        KeyName = v.KeyName,
        SecurityGroupRules = v.SecurityGroupRules.Select(r => new RuleInput
            { Protocol = r.Protocol, FromPort = r.FromPort, ToPort = r.ToPort, Cidr = r.Cidr, Description = r.Description }).ToList(),
        UserData = v.UserData,
        IamInstanceProfile = v.IamInstanceProfile,
        RootVolumeSizeGb = v.RootVolumeSizeGb,
        EncryptRootVolume = v.EncryptRootVolume,
        RequireImdsv2 = v.RequireImdsv2,
        AssociatePublicIp = v.AssociatePublicIp,
        Tags = new Dictionary<string, string>(v.Tags, StringComparer.Ordinal),
        TtlMinutes = v.TtlMinutes,
        TtlAction = v.TtlAction.ToString().ToLowerInvariant(),
    };
}

public sealed class RuleInput
{
    public string? Protocol { get; set; } = "tcp";
    public int? FromPort { get; set; }
    public int? ToPort { get; set; }
    public string? Cidr { get; set; }
    public string? Description { get; set; }
}

/// <summary>A template as the API shows it: its latest version (or the one asked for).</summary>
public sealed record TemplateDto(
    int Id, int Version, string Name, string Description, string Region, string AmiId, string InstanceType, string SubnetId,
    string? KeyName, IReadOnlyList<SecurityGroupRule> SecurityGroupRules, string UserData, string? IamInstanceProfile,
    int RootVolumeSizeGb, bool EncryptRootVolume, bool RequireImdsv2, bool AssociatePublicIp,
    IReadOnlyDictionary<string, string> Tags, int? TtlMinutes, string TtlAction, DateTime CreatedAt, DateTime UpdatedAt, string UpdatedBy)
{
    public static TemplateDto From(JumpServerTemplate t, JumpServerTemplateVersion v) => new(
        t.Id, v.Version, v.Name, v.Description, v.Region, v.AmiId, v.InstanceType, v.SubnetId, v.KeyName, v.SecurityGroupRules,
        v.UserData, v.IamInstanceProfile, v.RootVolumeSizeGb, v.EncryptRootVolume, v.RequireImdsv2, v.AssociatePublicIp,
        v.Tags, v.TtlMinutes, v.TtlAction.ToString().ToLowerInvariant(), t.CreatedAt, v.CreatedAt, v.CreatedBy);
}
