using System.Security.Cryptography;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace BlazorAwsConsole.JumpServers;

/// <summary>
/// The security group of a template: named after the template plus a digest of its rules, so an
/// unchanged rule set finds (and reuses) its group and a changed one gets a new group instead of
/// silently changing the access of jump servers already running.
/// </summary>
public static class JumpSecurityGroups
{
    public static string GroupName(JumpServerTemplateVersion template) => $"jump-{template.Name}-{Digest(template.SecurityGroupRules)}";

    /// <returns>The group's id and whether this call created it (only a created group may be deleted on rollback).</returns>
    public static async Task<(string GroupId, bool Created)> EnsureAsync(IAmazonEC2 ec2, string vpcId, JumpServerTemplateVersion template, CancellationToken cancellationToken)
    {
        var name = GroupName(template);
        var found = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest
        {
            Filters = [new Filter("group-name", [name]), new Filter("vpc-id", [vpcId])],
        }, cancellationToken);
        if (found.SecurityGroups is [var existing, ..])
        {
            if (!Canonical(Flatten(existing.IpPermissions)).SequenceEqual(Canonical(template.SecurityGroupRules)))
            {
                throw new LaunchStepException($"Security group {name} ({existing.GroupId}) has rules that differ from the template's; it was changed outside the console. Restore or delete it.");
            }
            return (existing.GroupId, false);
        }

        var created = await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest
        {
            GroupName = name,
            Description = $"Jump servers of template {template.Name} (managed by BlazorAwsConsole)",
            VpcId = vpcId,
            TagSpecifications =
            [
                new TagSpecification
                {
                    ResourceType = ResourceType.SecurityGroup,
                    Tags = [new Tag("Name", name), new Tag(JumpServerTags.Role, JumpServerTags.RoleValue), new Tag(JumpServerTags.Template, template.Name)],
                },
            ],
        }, cancellationToken);
        if (template.SecurityGroupRules.Count == 0) return (created.GroupId, true);
        try
        {
            await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
            {
                GroupId = created.GroupId,
                IpPermissions = template.SecurityGroupRules.Select(ToPermission).ToList(),
            }, cancellationToken);
        }
        catch
        {
            // A group without its rules must not be found and reused by the next launch.
            await ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = created.GroupId }, CancellationToken.None);
            throw;
        }
        return (created.GroupId, true);
    }

    /// <summary>The ingress rules of a group, one entry per (protocol, ports, source).</summary>
    public static List<SecurityGroupRule> Flatten(IEnumerable<IpPermission>? permissions)
    {
        var rules = new List<SecurityGroupRule>();
        foreach (var p in permissions ?? [])
        {
            var from = p.FromPort ?? -1;
            var to = p.ToPort ?? -1;
            rules.AddRange((p.Ipv4Ranges ?? []).Select(r => new SecurityGroupRule(p.IpProtocol, from, to, r.CidrIp, r.Description)));
            rules.AddRange((p.Ipv6Ranges ?? []).Select(r => new SecurityGroupRule(p.IpProtocol, from, to, r.CidrIpv6, r.Description)));
            // Sources the console never writes make the group differ from any template.
            rules.AddRange((p.UserIdGroupPairs ?? []).Select(g => new SecurityGroupRule(p.IpProtocol, from, to, "group:" + g.GroupId, null)));
            rules.AddRange((p.PrefixListIds ?? []).Select(l => new SecurityGroupRule(p.IpProtocol, from, to, "prefix-list:" + l.Id, null)));
        }
        return rules;
    }

    private static IpPermission ToPermission(SecurityGroupRule rule)
    {
        var permission = new IpPermission { IpProtocol = rule.Protocol, FromPort = rule.FromPort, ToPort = rule.ToPort };
        if (rule.Cidr.Contains(':')) permission.Ipv6Ranges = [new Ipv6Range { CidrIpv6 = rule.Cidr, Description = rule.Description }];
        else permission.Ipv4Ranges = [new IpRange { CidrIp = rule.Cidr, Description = rule.Description }];
        return permission;
    }

    private static List<string> Canonical(IEnumerable<SecurityGroupRule> rules) => rules
        .Select(r => $"{r.Protocol.ToLowerInvariant()}|{r.FromPort}|{r.ToPort}|{r.Cidr.ToLowerInvariant()}|{r.Description ?? ""}")
        .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static string Digest(IEnumerable<SecurityGroupRule> rules) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", Canonical(rules)))))[..8];
}

/// <summary>A launch step failed for a reason the console found itself (not an AWS error).</summary>
public sealed class LaunchStepException(string message) : Exception(message);
