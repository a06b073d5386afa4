using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.EC2;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.JumpServers;

/// <summary>
/// Checks a template before it is saved, each message keyed by the JSON name of its field (the API
/// returns them as a 400, the dialog shows them on the field). Rules that need AWS ask the template's
/// region: the AMI, the instance type, the subnet and the key pair must exist there.
/// </summary>
public sealed partial class TemplateValidator(AwsClientFactory aws, IDbContextFactory<ConsoleDbContext> contexts)
{
    /// <summary>EC2's limit on user data, counted after base64 encoding.</summary>
    public const int MaxUserDataBytes = 16 * 1024;
    public const int MaxTtlMinutes = 30 * 24 * 60;
    private static readonly string[] Protocols = ["tcp", "udp"];
    private static readonly (int Port, string Service)[] RemoteAccessPorts = [(22, "SSH"), (3389, "RDP")];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex AmiPattern();

    [GeneratedRegex("^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex SubnetPattern();

    [GeneratedRegex(@"^(?:[\w+=,.@-]{1,128}|arn:aws[\w-]*:iam::\d{12}:instance-profile/[\w+=,.@/-]{1,128})$")]
    private static partial Regex ProfilePattern();

    public async Task<Dictionary<string, string[]>> ValidateAsync(TemplateInput input, int? templateId, CancellationToken cancellationToken)
    {
        input.Normalized();
        var errors = new Errors();
        await CheckNameAsync(input.Name, templateId, errors.Add, cancellationToken);
        if (input.Description?.Length > 1024) errors.Add("description", "description must be at most 1,024 characters.");
        CheckRules(input, errors.Add);
        // The issue allows "no TTL" for admins only, and only admins may save templates; until the
        // launch path and the TTL job are taught to live without ExpiresAt, every template keeps one.
        if (input.TtlMinutes is null) errors.Add("ttlMinutes", "ttlMinutes is required: only admins may save a template without a time to live, and that is not supported yet.");
        else if (input.TtlMinutes is < 1 or > MaxTtlMinutes) errors.Add("ttlMinutes", $"ttlMinutes must be between 1 and {MaxTtlMinutes} (30 days).");
        if (!Enum.TryParse<TtlAction>(input.TtlAction, ignoreCase: true, out _) || int.TryParse(input.TtlAction, out _))
        {
            errors.Add("ttlAction", "ttlAction must be stop or terminate.");
        }
        await CheckMachineAsync(input, [], errors, cancellationToken);
        return errors.ToDictionary();
    }

    /// <summary>The checks a plain instance launch shares with a template (no name, rules or TTL), plus its existing security groups.</summary>
    public async Task<Dictionary<string, string[]>> ValidateInstanceAsync(TemplateInput input, IReadOnlyList<string> securityGroupIds, CancellationToken cancellationToken)
    {
        input.Normalized();
        var errors = new Errors();
        if (securityGroupIds.Any(string.IsNullOrWhiteSpace)) errors.Add("securityGroupIds", "A security group id must not be empty.");
        if (input.Name?.Length > 256) errors.Add("name", "name must be at most 256 characters.");
        await CheckMachineAsync(input, securityGroupIds, errors, cancellationToken);
        return errors.ToDictionary();
    }

    private async Task CheckMachineAsync(TemplateInput input, IReadOnlyList<string> securityGroupIds, Errors errors, CancellationToken cancellationToken)
    {
        CheckUserData(input.UserData, errors.Add);
        if (!string.IsNullOrEmpty(input.IamInstanceProfile) && !ProfilePattern().IsMatch(input.IamInstanceProfile))
        {
            errors.Add("iamInstanceProfile", "iamInstanceProfile must be an instance profile name or its ARN.");
        }
        if (input.RootVolumeSizeGb is < 1 or > 16384) errors.Add("rootVolumeSizeGb", "rootVolumeSizeGb must be between 1 and 16384.");
        CheckTags(input.Tags, errors.Add);
        if (securityGroupIds.Count > 5) errors.Add("securityGroupIds", "At most 5 security groups (EC2's limit per network interface).");

        var region = await FindRegionAsync(input.Region, cancellationToken);
        if (region is null)
        {
            errors.Add("region", $"'{input.Region}' is not a watched region.");
            return;
        }
        var ec2 = aws.Ec2(region.Code, region.ServiceUrl);
        await CheckInAwsAsync(input, ec2, errors.Add, cancellationToken);
        if (securityGroupIds.Count is > 0 and <= 5 && !securityGroupIds.Any(string.IsNullOrWhiteSpace))
        {
            await AskAsync("securityGroupIds", errors.Add, async () =>
            {
                var groups = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [.. securityGroupIds] }, cancellationToken);
                var missing = securityGroupIds.Except((groups.SecurityGroups ?? []).Select(g => g.GroupId)).ToList();
                return missing.Count == 0 ? null : $"Security group(s) {string.Join(", ", missing)} do not exist in {input.Region}.";
            }, $"Security group(s) {string.Join(", ", securityGroupIds)}: at least one does not exist in {input.Region}.");
        }
    }

    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _errors = new();

        public void Add(string field, string message)
        {
            if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
            list.Add(message);
        }

        public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    /// <summary>Rules that open SSH or RDP to the whole internet, as messages naming them.</summary>
    public static IEnumerable<(int Index, string Message)> OpenToWorld(IReadOnlyList<RuleInput> rules)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.Cidr?.Trim() is not ("0.0.0.0/0" or "::/0")) continue;
            foreach (var (port, service) in RemoteAccessPorts)
            {
                if (rule.FromPort <= port && port <= (rule.ToPort ?? rule.FromPort))
                {
                    yield return (i, $"Rule {i + 1} opens {service} (port {port}) to the whole internet ({rule.Cidr!.Trim()}); confirm it (confirmOpenToWorld) to save.");
                }
            }
        }
    }

    private async Task CheckNameAsync(string? name, int? templateId, Action<string, string> add, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || !NamePattern().IsMatch(name))
        {
            add("name", "name is required: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
            return;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Templates.AnyAsync(t => t.Name == name && t.Id != templateId, cancellationToken))
        {
            add("name", $"A template named '{name}' already exists.");
        }
    }

    private static void CheckRules(TemplateInput input, Action<string, string> add)
    {
        if (input.SecurityGroupRules.Count > 60) add("securityGroupRules", "At most 60 rules (EC2's limit per security group).");
        for (var i = 0; i < input.SecurityGroupRules.Count; i++)
        {
            var rule = input.SecurityGroupRules[i];
            var at = $"securityGroupRules[{i}]";
            if (rule is null)
            {
                add(at, "A rule must not be null.");
                continue;
            }
            if (!Protocols.Contains(rule.Protocol)) add($"{at}.protocol", "protocol must be tcp or udp.");
            if (rule.FromPort is not (>= 1 and <= 65535)) add($"{at}.fromPort", "fromPort must be between 1 and 65535.");
            if (rule.ToPort is { } to && to is < 1 or > 65535) add($"{at}.toPort", "toPort must be between 1 and 65535.");
            else if (rule.ToPort < rule.FromPort) add($"{at}.toPort", "toPort must not be below fromPort.");
            if (!IsCidr(rule.Cidr))
            {
                add($"{at}.cidr", $"'{rule.Cidr}' is not a CIDR block (e.g. 203.0.113.0/24 or 2001:db8::/32; no host bits after the prefix).");
            }
            if (rule.Description?.Length > 255) add($"{at}.description", "description must be at most 255 characters.");
        }
        if (!input.ConfirmOpenToWorld)
        {
            foreach (var (index, message) in OpenToWorld(input.SecurityGroupRules.Where(r => r is not null).ToList()))
            {
                add($"securityGroupRules[{index}].cidr", message);
            }
        }
    }

    /// <summary>An IPv4 or IPv6 CIDR with no host bits set after the prefix (EC2 refuses those).</summary>
    public static bool IsCidr(string? text)
    {
        var cidr = text?.Trim();
        if (string.IsNullOrEmpty(cidr) || !cidr.Contains('/') || !IPNetwork.TryParse(cidr, out var network)) return false;
        return IPAddress.TryParse(cidr[..cidr.IndexOf('/')], out var address) && address.Equals(network.BaseAddress);
    }

    private static void CheckUserData(string? userData, Action<string, string> add)
    {
        if (string.IsNullOrEmpty(userData)) return;
        var encoded = (Encoding.UTF8.GetByteCount(userData) + 2) / 3 * 4;
        if (encoded > MaxUserDataBytes)
        {
            add("userData", $"userData is {encoded:N0} bytes once base64-encoded; EC2 allows at most {MaxUserDataBytes:N0} (16 KB).");
        }
    }

    private static void CheckTags(Dictionary<string, string>? tags, Action<string, string> add)
    {
        if (tags is null) return;
        if (tags.Count > 40) add("tags", "At most 40 tags (the console adds its own, and EC2 allows 50).");
        foreach (var (key, value) in tags)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > 128 || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                add("tags", $"Tag key '{key}' is not allowed (1 to 128 characters, not starting with aws:).");
            }
            else if (JumpServerTags.Reserved.Contains(key))
            {
                add("tags", $"Tag key '{key}' is set by the console itself.");
            }
            if (value is null) add("tags", $"The value of tag '{key}' must not be null (use \"\" for none).");
            else if (value.Length > 256) add("tags", $"The value of tag '{key}' is longer than 256 characters.");
        }
    }

    private static async Task CheckInAwsAsync(TemplateInput input, IAmazonEC2 ec2, Action<string, string> add, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(input.AmiId) || !AmiPattern().IsMatch(input.AmiId))
        {
            add("amiId", "amiId must be an AMI id (ami- followed by 8 or 17 hexadecimal digits).");
        }
        else
        {
            await AskAsync("amiId", add, async () =>
            {
                var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [input.AmiId] }, cancellationToken);
                return images.Images is { Count: > 0 } ? null : $"AMI {input.AmiId} does not exist in {input.Region}.";
            }, $"AMI {input.AmiId} does not exist in {input.Region}.");
        }

        if (string.IsNullOrWhiteSpace(input.InstanceType))
        {
            add("instanceType", "instanceType is required (e.g. t3.micro).");
        }
        else
        {
            await AskAsync("instanceType", add, async () =>
            {
                var types = await ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { InstanceTypes = [input.InstanceType] }, cancellationToken);
                return types.InstanceTypes is { Count: > 0 } ? null : $"'{input.InstanceType}' is not an EC2 instance type in {input.Region}.";
            }, $"'{input.InstanceType}' is not an EC2 instance type in {input.Region}.");
        }

        if (!string.IsNullOrEmpty(input.AvailabilityZone) && !string.IsNullOrEmpty(input.SubnetId))
        {
            add("availabilityZone", "availabilityZone is only for a launch without a subnet (the subnet already fixes the zone); leave one of them empty.");
        }
        else if (string.IsNullOrEmpty(input.SubnetId))
        {
            // As the EC2 console does: no subnet chosen means the default VPC's default subnet for the
            // zone. The validated input carries the subnet found, so the saved template names it.
            await AskAsync("subnetId", add, async () =>
            {
                var (subnetId, problem) = await DefaultSubnet.FindAsync(ec2, input.Region!, input.AvailabilityZone, cancellationToken);
                input.SubnetId = subnetId;
                return problem;
            }, $"subnetId is required: {input.Region} has no default VPC to take a default subnet from. Choose a subnet.");
        }
        else if (!SubnetPattern().IsMatch(input.SubnetId))
        {
            add("subnetId", "subnetId must be a subnet id (subnet- followed by 8 or 17 hexadecimal digits), or empty for the default VPC's default subnet.");
        }
        else
        {
            await AskAsync("subnetId", add, async () =>
            {
                var subnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [input.SubnetId] }, cancellationToken);
                return subnets.Subnets is { Count: > 0 } ? null : $"Subnet {input.SubnetId} does not exist in {input.Region}.";
            }, $"Subnet {input.SubnetId} does not exist in {input.Region}.");
        }

        if (!string.IsNullOrEmpty(input.KeyName))
        {
            await AskAsync("keyName", add, async () =>
            {
                var keys = await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [input.KeyName] }, cancellationToken);
                return keys.KeyPairs is { Count: > 0 } ? null : $"Key pair '{input.KeyName}' does not exist in {input.Region}.";
            }, $"Key pair '{input.KeyName}' does not exist in {input.Region}.");
        }
    }

    /// <summary>Runs one AWS check; AWS refusing the id means it does not exist, anything else means it could not be checked.</summary>
    private static async Task AskAsync(string field, Action<string, string> add, Func<Task<string?>> check, string notFound)
    {
        try
        {
            if (await check() is { } problem) add(field, problem);
        }
        catch (Exception ex) when (AwsErrors.IsRefusal(ex))
        {
            add(field, notFound);
        }
        catch (Exception ex) when (ex is not OperationCanceledException { CancellationToken.IsCancellationRequested: true })
        {
            add(field, $"Could not check it with AWS: {AwsErrors.Describe(ex)}");
        }
    }

    private async Task<WatchedRegion?> FindRegionAsync(string? code, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(code)) return null;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Code == code && r.Enabled, cancellationToken);
    }
}
