using BlazorAwsConsole.Access;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Instance = BlazorAwsConsole.Fleet.Instance;

namespace BlazorAwsConsole.JumpServers;

/// <summary>A plain instance to launch: a template's fields without name rules or TTL, with existing security groups instead of rules.</summary>
public sealed class InstanceLaunchInput
{
    public string? Name { get; set; }
    public string? Region { get; set; }
    public string? AmiId { get; set; }
    public string? InstanceType { get; set; }
    /// <summary>Empty: the default subnet of the region's default VPC (in <see cref="AvailabilityZone"/>).</summary>
    public string? SubnetId { get; set; }
    public string? AvailabilityZone { get; set; }
    public string? KeyName { get; set; }
    public List<string> SecurityGroupIds { get; set; } = [];
    public string? UserData { get; set; }
    public string? IamInstanceProfile { get; set; }
    public int RootVolumeSizeGb { get; set; } = 8;
    public bool EncryptRootVolume { get; set; } = true;
    public bool RequireImdsv2 { get; set; } = true;
    public bool AssociatePublicIp { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    internal TemplateInput AsTemplate() => new()
    {
        Name = Name, Region = Region, AmiId = AmiId, InstanceType = InstanceType, SubnetId = SubnetId, AvailabilityZone = AvailabilityZone, KeyName = KeyName,
        UserData = UserData, IamInstanceProfile = IamInstanceProfile, RootVolumeSizeGb = RootVolumeSizeGb, Tags = Tags,
    };
}

/// <summary>What a clone copies from its source, read from EC2 (user data stays in EC2's base64, byte for byte).</summary>
public sealed record CloneSource(
    Instance Source, string Name, string AmiId, string InstanceType, string? SubnetId, IReadOnlyList<string> SecurityGroupIds, string? KeyName,
    string? UserDataBase64, string? IamInstanceProfileArn, string? RootDeviceName, int? RootVolumeSizeGb, bool RootEncrypted, bool RequireImdsv2,
    bool AssociatePublicIp, IReadOnlyDictionary<string, string> Tags)
{
    public string? UserDataText => UserDataBase64 is null ? null : TryDecode(UserDataBase64);

    private static string? TryDecode(string base64)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null; // binary (e.g. gzipped) user data: copied as is, not shown
        }
    }
}

public sealed record InstanceLaunchOutcome(ActionStatus Status, string Message, string? InstanceId = null, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public bool Succeeded => Status == ActionStatus.Done;
}

/// <summary>Launches new instances and clones of existing ones; each lands in the fleet and the change log at once.</summary>
public sealed class InstanceLauncher(
    IDbContextFactory<ConsoleDbContext> contexts,
    AwsClientFactory aws,
    FleetSnapshot snapshot,
    FleetSyncService sync,
    TemplateValidator validator,
    AuditLog audit,
    TimeProvider time,
    ILogger<InstanceLauncher> logger)
{
    public async Task<InstanceLaunchOutcome> LaunchAsync(InstanceLaunchInput input, Caller caller, CancellationToken cancellationToken)
    {
        var outcome = await LaunchAsync(input, caller.Name, cancellationToken);
        await AuditAsync(caller, "instance.launch", outcome.InstanceId ?? input.Name ?? "", outcome);
        return outcome;
    }

    public async Task<InstanceLaunchOutcome> CloneAsync(string instanceId, string? name, Caller caller, CancellationToken cancellationToken)
    {
        var outcome = await CloneAsync(instanceId, name, caller.Name, cancellationToken);
        await AuditAsync(caller, "instance.clone", instanceId, outcome);
        return outcome;
    }

    private Task AuditAsync(Caller caller, string action, string target, InstanceLaunchOutcome outcome) =>
        audit.WriteAsync(caller.Name, caller.Address, action, target,
            outcome.Succeeded ? $"ok: {outcome.InstanceId}" : $"{outcome.Status.ToString().ToLowerInvariant()}: {outcome.Message}", CancellationToken.None);

    private async Task<InstanceLaunchOutcome> LaunchAsync(InstanceLaunchInput input, string actor, CancellationToken cancellationToken)
    {
        // JSON may send null for a list or a map.
        input.SecurityGroupIds ??= [];
        input.Tags ??= new(StringComparer.Ordinal);
        var checkedInput = input.AsTemplate();
        var errors = await validator.ValidateInstanceAsync(checkedInput, input.SecurityGroupIds, cancellationToken);
        input.SubnetId = checkedInput.SubnetId; // the default subnet, when none was given
        if (errors.Count > 0) return new InstanceLaunchOutcome(ActionStatus.Refused, "The launch has invalid fields.", Errors: errors);

        var region = (await RegionAsync(input.Region!, cancellationToken))!;
        var ec2 = aws.Ec2(region.Code, region.ServiceUrl);
        var tags = input.Tags.Select(t => new Tag(t.Key, t.Value)).ToList();
        if (!string.IsNullOrWhiteSpace(input.Name)) tags.Add(new Tag("Name", input.Name.Trim()));
        return await RunAsync(region, ec2, actor, ChangeKind.Launched, "new instance", async () =>
        {
            var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [input.AmiId!] }, cancellationToken);
            return new LaunchSpec(input.AmiId!, input.InstanceType!.Trim(), input.SubnetId!, input.SecurityGroupIds, NullIfEmpty(input.KeyName),
                string.IsNullOrEmpty(input.UserData) ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(input.UserData)),
                NullIfEmpty(input.IamInstanceProfile), images.Images?.FirstOrDefault()?.RootDeviceName, input.RootVolumeSizeGb,
                input.EncryptRootVolume, input.RequireImdsv2, input.AssociatePublicIp, tags, Guid.NewGuid().ToString("n"));
        }, cancellationToken);
    }

    /// <summary>Reads what a clone of <paramref name="instanceId"/> would copy; null when it is not in the inventory or EC2.</summary>
    public async Task<CloneSource?> CloneSourceAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (snapshot.Find(instanceId) is not { } source) return null;
        var region = await RegionAsync(source.Region, cancellationToken);
        if (region is null) return null;
        var ec2 = aws.Ec2(region.Code, region.ServiceUrl);
        var described = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
        var live = (described.Reservations ?? []).SelectMany(r => r.Instances ?? []).FirstOrDefault();
        if (live is null) return null;

        var userData = await ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest
            { InstanceId = instanceId, Attribute = InstanceAttributeName.UserData }, cancellationToken);
        var root = (live.BlockDeviceMappings ?? []).FirstOrDefault(m => m.DeviceName == live.RootDeviceName) ?? live.BlockDeviceMappings?.FirstOrDefault();
        Volume? volume = null;
        if (root?.Ebs?.VolumeId is { } volumeId)
        {
            var volumes = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeId] }, cancellationToken);
            volume = volumes.Volumes?.FirstOrDefault();
        }
        // EC2 lists an instance's groups on the instance; some endpoints (moto) only on its network interfaces.
        var groups = (live.SecurityGroups ?? []).Concat((live.NetworkInterfaces ?? []).SelectMany(n => n.Groups ?? []))
            .Select(g => g.GroupId).Where(id => id is not null).Distinct().ToList();
        var allTags = Ec2Inventory.TagsOf(live.Tags);
        var tags = allTags.Where(t => !t.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase) && t.Key != "Name")
            .ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        var name = allTags.GetValueOrDefault("Name");
        return new CloneSource(source, $"{(string.IsNullOrEmpty(name) ? instanceId : name)}-clone", live.ImageId, live.InstanceType.Value,
            NullIfEmpty(live.SubnetId), groups, NullIfEmpty(live.KeyName), NullIfEmpty(userData.InstanceAttribute?.UserData),
            live.IamInstanceProfile?.Arn, live.RootDeviceName, volume?.Size, volume?.Encrypted ?? false,
            live.MetadataOptions?.HttpTokens == HttpTokensState.Required, !string.IsNullOrEmpty(live.PublicIpAddress), tags);
    }

    /// <summary>Launches a copy of an instance: same AMI, type, subnet, groups, key, profile, root volume, metadata options, tags and user data.</summary>
    private async Task<InstanceLaunchOutcome> CloneAsync(string instanceId, string? name, string actor, CancellationToken cancellationToken)
    {
        CloneSource? source;
        try
        {
            source = await CloneSourceAsync(instanceId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new InstanceLaunchOutcome(AwsErrors.IsRefusal(ex) ? ActionStatus.Refused : ActionStatus.Failed, AwsErrors.Describe(ex));
        }
        if (source is null) return new InstanceLaunchOutcome(ActionStatus.NotFound, $"Instance {instanceId} is not in the inventory.");
        if (JumpServerTags.IsJumpServer(source.Tags))
        {
            // A copy would either carry the TTL tags (and expire with its source) or escape the TTL; launch from the template instead.
            return new InstanceLaunchOutcome(ActionStatus.Refused, $"{instanceId} is a jump server: launch another from its template instead of cloning it.");
        }
        if (source.SubnetId is null) return new InstanceLaunchOutcome(ActionStatus.Refused, $"{instanceId} is not in a VPC subnet; it cannot be cloned.");

        var region = (await RegionAsync(source.Source.Region, cancellationToken))!;
        var tags = source.Tags.Select(t => new Tag(t.Key, t.Value)).Append(new Tag("Name", string.IsNullOrWhiteSpace(name) ? source.Name : name.Trim())).ToList();
        var spec = new LaunchSpec(source.AmiId, source.InstanceType, source.SubnetId, source.SecurityGroupIds, source.KeyName, source.UserDataBase64,
            source.IamInstanceProfileArn, source.RootDeviceName, source.RootVolumeSizeGb, source.RootEncrypted, source.RequireImdsv2,
            source.AssociatePublicIp, tags, Guid.NewGuid().ToString("n"));
        return await RunAsync(region, aws.Ec2(region.Code, region.ServiceUrl), actor, ChangeKind.Cloned, $"clone of {instanceId}", () => Task.FromResult(spec), cancellationToken);
    }

    private async Task<InstanceLaunchOutcome> RunAsync(WatchedRegion region, IAmazonEC2 ec2, string actor, ChangeKind kind, string what,
        Func<Task<LaunchSpec>> build, CancellationToken cancellationToken)
    {
        string instanceId;
        try
        {
            var response = await ec2.RunInstancesAsync(Ec2Launch.Request(await build()), cancellationToken);
            instanceId = response.Reservation.Instances[0].InstanceId;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = AwsErrors.Describe(ex);
            logger.LogWarning("{Actor} could not launch ({What}) in {Region}: {Reason}", actor, what, region.Code, reason);
            return new InstanceLaunchOutcome(AwsErrors.IsRefusal(ex) ? ActionStatus.Refused : ActionStatus.Failed, reason);
        }
        var record = new InstanceChange
        {
            InstanceId = instanceId, Region = region.Code, Kind = kind, Field = "launch", NewValue = what,
            At = time.GetUtcNow().UtcDateTime, ChangedBy = actor,
        };
        await sync.RefreshInstanceAsync(region, instanceId, actor, [record], cancellationToken);
        logger.LogInformation("{Actor} launched {InstanceId} ({What}) in {Region}", actor, instanceId, what, region.Code);
        return new InstanceLaunchOutcome(ActionStatus.Done, $"Launched {instanceId} ({what}).", instanceId);
    }

    private async Task<WatchedRegion?> RegionAsync(string code, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Code == code && r.Enabled, cancellationToken);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
