using System.Text.RegularExpressions;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Probes.Ssm;

/// <summary>
/// Runs a probe on the EC2 instance <see cref="ProbeSpec.SourceInstanceId"/> through SSM Run Command:
/// sends the type's fixed script with AWS-RunShellScript, polls the invocation with backoff until it
/// is final or the test's timeout (plus <see cref="SsmProbeOptions.DeliverySeconds"/>) has passed, and
/// parses the output into the same <see cref="ProbeOutcome"/> the console's own runners give.
/// Every failure is an outcome with a reason; it throws only when cancelled.
/// </summary>
public sealed partial class SsmProbeRunner(
    AwsClientFactory aws,
    IDbContextFactory<ConsoleDbContext> contexts,
    IOptions<SsmProbeOptions> options,
    TimeProvider time,
    ILogger<SsmProbeRunner> logger)
{
    public const string DocumentName = "AWS-RunShellScript";

    public async Task<ProbeOutcome> RunAsync(ProbeSpec spec, CancellationToken ct)
    {
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        ProbeOutcome Fail(string reason) => SsmOutputParsers.Failure(reason, startedAt, time.GetElapsedTime(started).TotalMilliseconds);

        if (spec.SourceInstanceId?.Trim() is not { } instanceId || !InstanceId().IsMatch(instanceId))
            return Fail($"SourceInstanceId: '{spec.SourceInstanceId}' is not an EC2 instance id (i- followed by 8 or 17 hex digits).");
        if (string.IsNullOrWhiteSpace(spec.SourceRegion))
            return Fail($"SourceRegion: the region of instance {instanceId} is required.");
        var region = spec.SourceRegion.Trim();
        SsmScript script;
        try
        {
            script = SsmProbeScripts.Build(spec);
        }
        catch (SsmSpecException e)
        {
            return Fail(e.Message);
        }

        try
        {
            var endpoint = await EndpointAsync(region, ct);
            if (await InstanceProblemAsync(aws.Ec2(region, endpoint), instanceId, region, ct) is { } problem) return Fail(problem);
            var ssm = aws.Ssm(region, endpoint);
            var deadline = startedAt + TimeSpan.FromSeconds(script.TimeoutSeconds + options.Value.DeliverySeconds);
            var commandId = await SendAsync(ssm, spec, script, instanceId, ct);
            var invocation = await WaitAsync(ssm, commandId, instanceId, deadline, ct);
            var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
            if (invocation is null)
            {
                await CancelQuietlyAsync(ssm, commandId, instanceId);
                return Fail($"instance {instanceId} did not report a result within {(deadline - startedAt).TotalSeconds:0} s (SSM command {commandId} cancelled)");
            }
            return Outcome(spec, invocation, instanceId, startedAt, elapsed);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (InvalidInstanceIdException)
        {
            return Fail($"instance {instanceId} is not managed by SSM in {region} (InvalidInstanceId): it needs a running SSM agent and an instance profile that allows Systems Manager");
        }
        catch (AmazonServiceException e)
        {
            logger.LogWarning("SSM probe of test {TestId} on {InstanceId} in {Region}: AWS error {ErrorCode}", spec.TestId, instanceId, region, e.ErrorCode);
            return Fail($"AWS error in {region} ({e.ErrorCode}): {e.Message}");
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or TaskCanceledException or TimeoutException)
        {
            return Fail($"could not reach AWS in {region}: {e.Message}");
        }
    }

    private static ProbeOutcome Outcome(ProbeSpec spec, GetCommandInvocationResponse invocation, string instanceId, DateTimeOffset startedAt, double elapsed)
    {
        var status = invocation.Status?.Value;
        var output = invocation.StandardOutputContent;
        if (status == CommandInvocationStatus.Success || (status == CommandInvocationStatus.Failed && !string.IsNullOrWhiteSpace(output)))
            return SsmOutputParsers.Parse(spec, output, startedAt, elapsed);
        var detail = FirstLine(invocation.StandardErrorContent) ?? invocation.StatusDetails;
        var reason = status switch
        {
            "TimedOut" => $"the command timed out on instance {instanceId} ({invocation.StatusDetails})",
            "Cancelled" => $"the command was cancelled on instance {instanceId}",
            "Failed" => $"the command failed on instance {instanceId} (exit {invocation.ResponseCode}): {detail}",
            _ => $"SSM reports '{status}' for instance {instanceId}: {detail}",
        };
        return SsmOutputParsers.Failure(reason, startedAt, elapsed);
    }

    private static async Task<string> SendAsync(IAmazonSimpleSystemsManagement ssm, ProbeSpec spec, SsmScript script, string instanceId, CancellationToken ct)
    {
        var response = await ssm.SendCommandAsync(new SendCommandRequest
        {
            DocumentName = DocumentName,
            InstanceIds = [instanceId],
            Comment = $"BlazorAwsConsole synthetic test {spec.TestId} ({spec.Type.ToString().ToLowerInvariant()})",
            Parameters = new Dictionary<string, List<string>>
            {
                ["commands"] = [.. script.Lines],
                ["executionTimeout"] = [(script.TimeoutSeconds + 5).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            },
            // How long SSM may take to deliver the command; 30 s is its minimum.
            TimeoutSeconds = Math.Max(30, script.TimeoutSeconds),
        }, ct);
        return response.Command.CommandId;
    }

    /// <summary>The final invocation, or null when the deadline passed first.</summary>
    private async Task<GetCommandInvocationResponse?> WaitAsync(IAmazonSimpleSystemsManagement ssm, string commandId, string instanceId, DateTimeOffset deadline, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(options.Value.FirstPollMilliseconds);
        var maxDelay = TimeSpan.FromMilliseconds(options.Value.MaxPollMilliseconds);
        while (true)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero) return null;
            await Task.Delay(delay < left ? delay : left, time, ct);
            try
            {
                var invocation = await ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = commandId, InstanceId = instanceId }, ct);
                if (IsFinal(invocation.Status?.Value)) return invocation;
            }
            catch (InvocationDoesNotExistException)
            {
                // SSM creates the invocation a moment after SendCommand returns.
            }
            delay = delay * 2 < maxDelay ? delay * 2 : maxDelay;
        }
    }

    private static bool IsFinal(string? status) => status is "Success" or "Failed" or "TimedOut" or "Cancelled";

    private async Task CancelQuietlyAsync(IAmazonSimpleSystemsManagement ssm, string commandId, string instanceId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await ssm.CancelCommandAsync(new CancelCommandRequest { CommandId = commandId, InstanceIds = [instanceId] }, timeout.Token);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or OperationCanceledException or HttpRequestException)
        {
            logger.LogInformation("Could not cancel SSM command {CommandId} on {InstanceId}: {Error}", commandId, instanceId, e.Message);
        }
    }

    /// <summary>
    /// SSM's InvalidInstanceId covers "no such instance", "stopped" and "no agent" alike; EC2 tells them
    /// apart, so the reason says which one to fix.
    /// </summary>
    private static async Task<string?> InstanceProblemAsync(IAmazonEC2 ec2, string instanceId, string region, CancellationToken ct)
    {
        try
        {
            var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, ct);
            var instance = response.Reservations?.SelectMany(r => r.Instances ?? []).FirstOrDefault(i => i.InstanceId == instanceId);
            if (instance is null) return $"instance {instanceId} does not exist in {region}";
            var state = instance.State?.Name?.Value;
            return state == InstanceStateName.Running ? null : $"instance {instanceId} is {state}; it must be running to run the probe";
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode is "InvalidInstanceID.NotFound" or "InvalidInstanceID.Malformed")
        {
            return $"instance {instanceId} does not exist in {region} ({e.ErrorCode})";
        }
    }

    /// <summary>The watched region's own endpoint setting, as the fleet uses it.</summary>
    private async Task<string?> EndpointAsync(string region, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var serviceUrl = await db.Regions.AsNoTracking().Where(r => r.Code == region).Select(r => r.ServiceUrl).FirstOrDefaultAsync(ct);
        return string.IsNullOrWhiteSpace(serviceUrl) ? null : serviceUrl;
    }

    private static string? FirstLine(string? text) =>
        text?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);

    [GeneratedRegex(@"^i-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex InstanceId();
}
