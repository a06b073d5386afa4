using BlazorAwsConsole.Access;
using System.Text.RegularExpressions;
using Amazon.EC2.Model;
using Amazon.SQS.Model;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Events;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Secrets;

/// <summary>A watched region on the Regions tab: its credentials' source in words, and its last sync.</summary>
public sealed record RegionSettingDto(string Code, string Name, bool Enabled, string? ServiceUrl, string? CredentialSet, string CredentialSource,
    bool FromVault, DateTime? LastSyncedAt, string? LastError, string? EventQueueUrl, DateTime? LastEventAt, string? EventsError, string? Progress = null);

public sealed record AddRegionRequest(string? Code, string? Name);

/// <param name="EventQueueUrl">The SQS queue of the region's EC2 events; "" stops reading one; null leaves it as it is.</param>
public sealed record UpdateRegionRequest(bool? Enabled, string? Name, string? EventQueueUrl = null);

/// <summary>
/// The watched regions, owned by the database (and so by this page) once the console has started
/// the first time. A new code is checked against EC2 DescribeRegions through that region's own
/// credentials before it is watched. After every change the fleet reloads and polls.
/// </summary>
public sealed partial class RegionSettingsService(
    IDbContextFactory<ConsoleDbContext> databases,
    AwsClientFactory aws,
    FleetSnapshot snapshot,
    FleetSyncService sync,
    CredentialDirectory directory,
    LiveFeed feed,
    EventQueueSupervisor events,
    EventQueueBoard eventStatus,
    AuditLog audit,
    ILogger<RegionSettingsService> logger)
{
    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-\\d$")]
    private static partial Regex CodePattern();

    /// <summary>Whether <paramref name="code"/> has the shape of an AWS region code (us-east-1).</summary>
    public static bool IsRegionCode(string code) => CodePattern().IsMatch(code);

    public async Task<IReadOnlyList<RegionSettingDto>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var regions = await db.Regions.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken);
        return regions.Select(ToDto).ToList();
    }

    // Every change is written to the access log with who asked.
    public Task<SettingsResult<RegionSettingDto>> AddAsync(AddRegionRequest request, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "region.add", request.Code ?? "", AddAsync(request, cancellationToken));

    public Task<SettingsResult<RegionSettingDto>> UpdateAsync(string code, UpdateRegionRequest request, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, request switch
            {
                { EventQueueUrl: not null } => "region.events",
                { Enabled: true } => "region.enable",
                { Enabled: false } => "region.disable",
                _ => "region.rename",
            }, code,
            UpdateAsync(code, request, cancellationToken));

    public Task<SettingsResult<string>> RemoveAsync(string code, Caller caller, CancellationToken cancellationToken) =>
        audit.AuditedAsync(caller, "region.remove", code, RemoveAsync(code, cancellationToken));

    private async Task<SettingsResult<RegionSettingDto>> AddAsync(AddRegionRequest request, CancellationToken cancellationToken)
    {
        var code = request.Code?.Trim() ?? "";
        var name = request.Name?.Trim() ?? "";
        var errors = new Dictionary<string, string[]>();
        if (!CodePattern().IsMatch(code)) errors["code"] = ["Code must be an AWS region code such as us-east-1."];
        if (name.Length is 0 or > 64) errors["name"] = ["Name: 1–64 characters, e.g. US East 1."];
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (!errors.ContainsKey("code") && await db.Regions.AnyAsync(r => r.Code == code, cancellationToken))
        {
            errors["code"] = [$"{code} is watched already."];
        }
        if (errors.Count > 0) return SettingsResult<RegionSettingDto>.Invalid(errors);

        try
        {
            // Asked at a region AWS surely has (a watched one), with the credentials that will serve the new code:
            // an unknown code has no endpoint to ask, and the check must prove those credentials work.
            var anchor = await db.Regions.AsNoTracking().Where(r => r.Enabled && r.ServiceUrl == null).OrderBy(r => r.Code)
                .Select(r => r.Code).FirstOrDefaultAsync(cancellationToken) ?? "us-east-1";
            using var ec2 = aws.NewEc2(anchor, aws.CredentialsFor(code).Credentials);
            var answer = await ec2.DescribeRegionsAsync(new DescribeRegionsRequest { AllRegions = true }, cancellationToken);
            var known = (answer.Regions ?? []).Select(r => r.RegionName).ToList();
            if (!known.Contains(code))
            {
                return SettingsResult<RegionSettingDto>.Invalid("code", $"AWS does not know a region {code} (DescribeRegions lists {known.Count} regions).");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = AwsErrors.Describe(ex);
            return SettingsResult<RegionSettingDto>.Fail(AwsErrors.IsCredentialsUnavailable(ex) ? SettingsOutcome.Unavailable : SettingsOutcome.UpstreamFailed,
                $"Could not check {code} with DescribeRegions: {reason}");
        }

        var region = new WatchedRegion { Code = code, Name = name, Enabled = true };
        db.Regions.Add(region);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Region {Region} added", code);
        await FleetChangedAsync(cancellationToken);
        return SettingsResult<RegionSettingDto>.Ok(ToDto(region), $"{name} ({code}) is watched now.");
    }

    private async Task<SettingsResult<RegionSettingDto>> UpdateAsync(string code, UpdateRegionRequest request, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var region = await db.Regions.FirstOrDefaultAsync(r => r.Code == code, cancellationToken);
        if (region is null) return SettingsResult<RegionSettingDto>.Fail(SettingsOutcome.NotFound, $"{code} is not a watched region.");
        if (request.Enabled is null && request.Name is null && request.EventQueueUrl is null)
        {
            return SettingsResult<RegionSettingDto>.Invalid("enabled", "Send enabled (true or false), name and/or eventQueueUrl.");
        }
        if (request.EventQueueUrl is { } queueUrl)
        {
            if (await CheckQueueAsync(code, queueUrl.Trim(), cancellationToken) is { } problem) return SettingsResult<RegionSettingDto>.Invalid("eventQueueUrl", problem);
            region.EventQueueUrl = queueUrl.Trim() is { Length: > 0 } url ? url : null;
        }
        if (request.Name is { } newName)
        {
            if (newName.Trim().Length is 0 or > 64) return SettingsResult<RegionSettingDto>.Invalid("name", "Name: 1–64 characters.");
            region.Name = newName.Trim();
        }
        if (request.Enabled is { } enabled) region.Enabled = enabled;
        await sync.ExclusiveAsync(() => db.SaveChangesAsync(cancellationToken), cancellationToken);
        logger.LogInformation("Region {Region} updated: enabled {Enabled}, event queue {QueueUrl}", code, region.Enabled, region.EventQueueUrl ?? "none");
        await events.ReconcileAsync(cancellationToken);
        await FleetChangedAsync(cancellationToken);
        var message = request.EventQueueUrl is null ? $"{region.Name} ({code}) is {(region.Enabled ? "enabled" : "disabled")}."
            : region.EventQueueUrl is { } reading ? $"EC2 events of {code} are read from {reading}."
            : $"{code} reads no event queue now; the poll alone keeps it current.";
        return SettingsResult<RegionSettingDto>.Ok(ToDto(region), message);
    }

    /// <summary>
    /// Checks a queue URL before it is saved: an http(s) URL that SQS GetQueueAttributes answers for
    /// through the region's own client and credentials (the ones the reader will use). Null when fine.
    /// </summary>
    private async Task<string?> CheckQueueAsync(string code, string url, CancellationToken cancellationToken)
    {
        if (url.Length == 0) return null;
        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return "The event queue must be an SQS queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/console-ec2-events (\"\" removes it).";
        }
        try
        {
            var answer = await aws.Sqs(code).GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["QueueArn"] }, cancellationToken);
            var arn = answer.Attributes?.GetValueOrDefault("QueueArn") ?? "";
            var arnRegion = arn.Split(':') is { Length: > 4 } parts ? parts[3] : code;
            return arnRegion == code ? null : $"The queue is in {arnRegion}, not {code}: each region's events go to a queue in that region.";
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return $"SQS GetQueueAttributes failed for this queue in {code}: {AwsErrors.Describe(ex)}";
        }
    }

    /// <summary>Stops watching a region: its instances leave the inventory (their change history stays), and credential sets stop listing it.</summary>
    private async Task<SettingsResult<string>> RemoveAsync(string code, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var region = await db.Regions.FirstOrDefaultAsync(r => r.Code == code, cancellationToken);
        if (region is null) return SettingsResult<string>.Fail(SettingsOutcome.NotFound, $"{code} is not a watched region.");
        // Between syncs: a poll in flight must not write the region's instances back after they are gone.
        await sync.ExclusiveAsync(async () =>
        {
            db.Regions.Remove(region);
            db.Instances.RemoveRange(await db.Instances.Where(i => i.Region == code).ToListAsync(cancellationToken));
            foreach (var set in await db.CredentialSets.ToListAsync(cancellationToken))
            {
                if (set.Regions.Contains(code)) set.Regions = set.Regions.Where(r => r != code).ToList();
            }
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
        directory.Load(await db.CredentialSets.AsNoTracking().ToListAsync(cancellationToken));
        logger.LogInformation("Region {Region} removed", code);
        await events.ReconcileAsync(cancellationToken);
        await FleetChangedAsync(cancellationToken);
        return SettingsResult<string>.Ok(code, $"{code} is no longer watched.");
    }

    /// <summary>Reloads the snapshot from the database at once, then polls in the background (a slow AWS must not hold the page).</summary>
    private async Task FleetChangedAsync(CancellationToken cancellationToken)
    {
        await sync.ExclusiveAsync(() => sync.LoadAsync(cancellationToken), cancellationToken);
        feed.Publish(new FleetChanged([], []));
        _ = Task.Run(async () =>
        {
            try { await sync.SyncAsync(force: true); }
            catch (Exception ex) { logger.LogWarning("Sync after a region change failed: {Error}", ex.Message); }
        });
    }

    private RegionSettingDto ToDto(WatchedRegion region)
    {
        var credentials = aws.CredentialsFor(region.Code);
        var status = snapshot.Region(region.Code);
        var reading = eventStatus.For(region.Code);
        return new RegionSettingDto(region.Code, region.Name, region.Enabled, region.ServiceUrl, credentials.CredentialSet, credentials.Source,
            credentials.CredentialSet is not null, status?.LastSyncedAt, status?.LastError, region.EventQueueUrl, reading?.LastEventAt, reading?.Error, status?.Progress);
    }
}
