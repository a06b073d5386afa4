using BlazorAwsConsole.Access;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.JumpServers;

public sealed record LaunchResult(Guid OperationId, OperationStatus Status, string? InstanceId, string? FailedStep, string? Error, bool Refused);

/// <summary>
/// Launches a jump server from a template version, one recorded step at a time: check the image and
/// the subnet, find or create the security group, run the instance, wait until it runs, add it to
/// the fleet. Every step is saved and published as it starts and ends; a failing step undoes what
/// this launch created (the instance, a security group it made; never a reused one).
/// </summary>
public sealed class JumpServerProvisioner(
    IDbContextFactory<ConsoleDbContext> contexts,
    AwsClientFactory aws,
    FleetSyncService sync,
    LiveFeed feed,
    AuditLog audit,
    TimeProvider time,
    IOptions<JumpServerOptions> options,
    ILogger<JumpServerProvisioner> logger)
{
    public static readonly string[] StepNames =
        ["Check the image", "Check the subnet", "Security group", "Run the instance", "Wait until running", "Add to the fleet"];

    public async Task<LaunchResult> LaunchAsync(JumpServerTemplate template, JumpServerTemplateVersion version, Caller caller,
        Guid? operationId, CancellationToken cancellationToken)
    {
        var result = await LaunchAsync(template, version, caller.Name, operationId, cancellationToken);
        await audit.WriteAsync(caller.Name, caller.Address, "jumpserver.launch", result.InstanceId ?? $"template {template.Id} v{version.Version}",
            result.Status == OperationStatus.Succeeded ? $"ok: template {template.Id} v{version.Version}" : $"failed at {result.FailedStep}: {result.Error}",
            CancellationToken.None);
        return result;
    }

    private async Task<LaunchResult> LaunchAsync(JumpServerTemplate template, JumpServerTemplateVersion version, string actor,
        Guid? operationId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var region = await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Code == version.Region && r.Enabled, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var operation = new LaunchOperation
        {
            Id = operationId ?? Guid.NewGuid(),
            TemplateId = template.Id,
            TemplateVersion = version.Version,
            Region = version.Region,
            Status = OperationStatus.Running,
            StartedBy = actor,
            StartedAt = now,
            Steps = StepNames.Select(n => new LaunchStep { Name = n, Status = StepStatus.Pending }).ToList(),
        };
        db.LaunchOperations.Add(operation);
        await SaveAsync(db, operation);

        var run = new Run(db, operation, region is null ? null : aws.Ec2(region.Code, region.ServiceUrl));
        try
        {
            if (region is null) throw new LaunchStepException($"Region {version.Region} is no longer watched.");
            var image = await StepAsync(run, 0, () => CheckImageAsync(run.Ec2!, version, cancellationToken));
            var vpcId = await StepAsync(run, 1, () => VpcOfAsync(run.Ec2!, version, cancellationToken));
            var (groupId, created) = await StepAsync(run, 2, () => JumpSecurityGroups.EnsureAsync(run.Ec2!, vpcId, version, cancellationToken),
                g => g.Created ? $"Created {g.GroupId}" : $"Reused {g.GroupId}: its rules are the template's");
            operation.SecurityGroupId = groupId;
            run.CreatedGroup = created ? groupId : null;
            var expiresAt = now.AddMinutes(version.TtlMinutes ?? 0);
            run.InstanceId = await StepAsync(run, 3, () => RunInstanceAsync(run.Ec2!, template, version, image, groupId, actor, expiresAt, operation.Id, cancellationToken), id => id);
            operation.InstanceId = run.InstanceId;
            await StepAsync(run, 4, () => WaitUntilRunningAsync(run.Ec2!, run.InstanceId, cancellationToken), s => s);
            await StepAsync(run, 5, async () =>
            {
                var record = new InstanceChange
                {
                    InstanceId = run.InstanceId, Region = region.Code, InstanceName = "", Kind = ChangeKind.Launched, Field = "template",
                    NewValue = $"{version.Name} v{version.Version}", At = time.GetUtcNow().UtcDateTime, ChangedBy = actor,
                };
                await sync.RefreshInstanceAsync(region, run.InstanceId, actor, [record], cancellationToken);
                return true;
            });
            operation.Status = OperationStatus.Succeeded;
            operation.FinishedAt = time.GetUtcNow().UtcDateTime;
            await SaveAsync(db, operation);
            logger.LogInformation("{Actor} launched jump server {InstanceId} from template {TemplateId} v{Version}", actor, run.InstanceId, template.Id, version.Version);
            return new LaunchResult(operation.Id, operation.Status, run.InstanceId, null, null, false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failed = operation.Steps.FirstOrDefault(s => s.Status == StepStatus.Running) ?? operation.Steps[0];
            var reason = ex is LaunchStepException ? ex.Message : AwsErrors.Describe(ex);
            failed.Status = StepStatus.Failed;
            failed.Detail = reason;
            foreach (var step in operation.Steps.Where(s => s.Status == StepStatus.Pending)) step.Status = StepStatus.Skipped;
            logger.LogWarning("Launch {OperationId} from template {TemplateId} failed at '{Step}': {Reason}", operation.Id, template.Id, failed.Name, reason);
            await RollBackAsync(run);
            operation.Status = OperationStatus.Failed;
            operation.Error = $"{failed.Name} failed: {reason}";
            operation.FinishedAt = time.GetUtcNow().UtcDateTime;
            await SaveAsync(db, operation);
            return new LaunchResult(operation.Id, operation.Status, null, failed.Name, reason, ex is LaunchStepException || AwsErrors.IsRefusal(ex));
        }
    }

    private async Task<T> StepAsync<T>(Run run, int index, Func<Task<T>> action, Func<T, string?>? describe = null)
    {
        var step = run.Operation.Steps[index];
        step.Status = StepStatus.Running;
        await SaveAsync(run.Db, run.Operation);
        var result = await action();
        step.Status = StepStatus.Done;
        step.Detail = describe?.Invoke(result);
        await SaveAsync(run.Db, run.Operation);
        return result;
    }

    private static async Task<Image> CheckImageAsync(IAmazonEC2 ec2, JumpServerTemplateVersion version, CancellationToken cancellationToken)
    {
        var images = await ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [version.AmiId] }, cancellationToken);
        return images.Images is [var image, ..] && image.State != ImageState.Deregistered
            ? image
            : throw new LaunchStepException($"AMI {version.AmiId} no longer exists in {version.Region}.");
    }

    private static async Task<string> VpcOfAsync(IAmazonEC2 ec2, JumpServerTemplateVersion version, CancellationToken cancellationToken)
    {
        var subnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [version.SubnetId] }, cancellationToken);
        return subnets.Subnets is [var subnet, ..]
            ? subnet.VpcId
            : throw new LaunchStepException($"Subnet {version.SubnetId} does not exist in {version.Region}.");
    }

    private static async Task<string> RunInstanceAsync(IAmazonEC2 ec2, JumpServerTemplate template, JumpServerTemplateVersion version, Image image,
        string groupId, string actor, DateTime expiresAt, Guid operationId, CancellationToken cancellationToken)
    {
        var tags = new List<Tag>(version.Tags.Select(t => new Tag(t.Key, t.Value)))
        {
            new("Name", $"{version.Name}-{operationId.ToString("n")[..6]}"),
            new(JumpServerTags.Role, JumpServerTags.RoleValue),
            new(JumpServerTags.Template, version.Name),
            new(JumpServerTags.TemplateId, template.Id.ToString()),
            new(JumpServerTags.TemplateVersion, version.Version.ToString()),
            new(JumpServerTags.LaunchedBy, actor),
        };
        if (version.TtlMinutes is not null)
        {
            tags.Add(new Tag(JumpServerTags.ExpiresAt, JumpServerTags.Format(expiresAt)));
            tags.Add(new Tag(JumpServerTags.TtlAction, version.TtlAction.ToString().ToLowerInvariant()));
        }
        var request = Ec2Launch.Request(new LaunchSpec(
            version.AmiId, version.InstanceType, version.SubnetId, [groupId], version.KeyName,
            string.IsNullOrEmpty(version.UserData) ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(version.UserData)),
            version.IamInstanceProfile, image.RootDeviceName, version.RootVolumeSizeGb, version.EncryptRootVolume, version.RequireImdsv2,
            version.AssociatePublicIp, tags,
            // The operation id makes a retried request (the SDK's, or a person's) launch one instance, not two.
            operationId.ToString("n")));
        var response = await ec2.RunInstancesAsync(request, cancellationToken);
        return response.Reservation.Instances[0].InstanceId;
    }

    private async Task<string> WaitUntilRunningAsync(IAmazonEC2 ec2, string instanceId, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(options.Value.LaunchTimeoutSeconds);
        while (true)
        {
            var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
            var instance = (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).FirstOrDefault();
            var state = instance?.State?.Name?.Value;
            if (state == "running") return $"{instanceId} is running";
            if (state is "shutting-down" or "terminated" or "stopping" or "stopped")
            {
                throw new LaunchStepException($"{instanceId} went to {state} instead of running: {instance?.StateReason?.Message ?? "no reason given"}");
            }
            if (time.GetUtcNow() > deadline)
            {
                throw new LaunchStepException($"{instanceId} was still {state ?? "unknown"} after {options.Value.LaunchTimeoutSeconds} s.");
            }
            await Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken);
        }
    }

    /// <summary>Undoes what this launch made, newest first; a failure to undo is recorded, never hidden.</summary>
    private async Task RollBackAsync(Run run)
    {
        if (run.Ec2 is null) return;
        var notes = new List<string>();
        if (run.InstanceId is { } instanceId)
        {
            try
            {
                await run.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instanceId] }, CancellationToken.None);
                await WaitUntilGoneAsync(run.Ec2, instanceId);
                notes.Add($"terminated {instanceId}");
                MarkRolledBack(run, 3);
            }
            catch (Exception ex)
            {
                notes.Add($"could not terminate {instanceId}: {AwsErrors.Describe(ex)}");
            }
        }
        if (run.CreatedGroup is { } groupId)
        {
            try
            {
                await run.Ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = groupId }, CancellationToken.None);
                notes.Add($"deleted {groupId}");
                MarkRolledBack(run, 2);
            }
            catch (Exception ex)
            {
                notes.Add($"could not delete {groupId}: {AwsErrors.Describe(ex)}");
            }
        }
        if (notes.Count > 0)
        {
            run.Operation.Steps.Add(new LaunchStep { Name = "Roll back", Status = notes.Any(n => n.StartsWith("could not")) ? StepStatus.Failed : StepStatus.Done, Detail = string.Join("; ", notes) });
        }
    }

    /// <summary>A security group cannot be deleted while a (terminating) instance still uses it.</summary>
    private async Task WaitUntilGoneAsync(IAmazonEC2 ec2, string instanceId)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(options.Value.LaunchTimeoutSeconds);
        while (time.GetUtcNow() < deadline)
        {
            var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] });
            var state = (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).FirstOrDefault()?.State?.Name?.Value;
            if (state is null or "terminated") return;
            await Task.Delay(TimeSpan.FromSeconds(2), time);
        }
    }

    private static void MarkRolledBack(Run run, int index)
    {
        if (run.Operation.Steps[index].Status == StepStatus.Done) run.Operation.Steps[index].Status = StepStatus.RolledBack;
    }

    private async Task SaveAsync(ConsoleDbContext db, LaunchOperation operation)
    {
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(CancellationToken.None);
        feed.Publish(new LaunchProgress(operation.Id, operation.Status));
    }

    private sealed class Run(ConsoleDbContext db, LaunchOperation operation, IAmazonEC2? ec2)
    {
        public ConsoleDbContext Db { get; } = db;
        public LaunchOperation Operation { get; } = operation;
        public IAmazonEC2? Ec2 { get; } = ec2;
        public string? InstanceId { get; set; }
        public string? CreatedGroup { get; set; }
    }
}
