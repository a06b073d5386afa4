using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.JumpServers;
using BlazorAwsConsole.ProbeLocations;
using BlazorAwsConsole.Secrets;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// The receiving half of "live across nodes" for what the settings-like pages show: jump-server templates,
/// notification channels, their deliveries and health, credential sets and Vault's status. What a notice names is
/// re-read here (from the database, or for Vault from Vault itself), never taken from the notice, and then the
/// page's usual LiveFeed event is published, marked as relayed. The credential directory is this node's only
/// in-memory copy among them; the pages re-read the rest from the database on every event.
/// </summary>
public sealed class SettingsViews(
    IDbContextFactory<ConsoleDbContext> contexts,
    CredentialDirectory directory,
    VaultCredentialProvider credentials,
    VaultClient vault,
    VaultMonitor vaultMonitor,
    ChannelHealth health,
    LiveFeed feed,
    RelayedEvents relayed)
{
    // What the last re-read timer saw, so the next one announces only what changed (null: not read yet).
    private Dictionary<int, string>? _templates;
    private Dictionary<int, string>? _channels;
    private Dictionary<int, bool> _failing = [];
    private (long LastId, int Pending, long PendingAttempts)? _deliveries;

    /// <summary>True for the kinds this class re-reads.</summary>
    public static bool Handles(string kind) => kind is NoticeKinds.Templates or NoticeKinds.Channels or NoticeKinds.Deliveries
        or NoticeKinds.ChannelHealth or NoticeKinds.Credentials or NoticeKinds.Vault or NoticeKinds.ProbeLocations;

    public async Task ApplyAsync(ClusterNotice notice, CancellationToken cancellationToken)
    {
        switch (notice.Kind)
        {
            case NoticeKinds.Templates when notice.All: await RefreshTemplatesAsync(announceAll: true, cancellationToken); break;
            case NoticeKinds.Templates:
                // The templates page reads the database on every event: the event is the re-read.
                foreach (var id in notice.Ids ?? []) feed.Publish(relayed.Mark(new TemplatesChanged((int)id)));
                break;
            case NoticeKinds.Channels when notice.All: await RefreshChannelsAsync(announceAll: true, cancellationToken); break;
            case NoticeKinds.Channels:
                foreach (var id in notice.Ids ?? []) feed.Publish(relayed.Mark(new NotificationChannelsChanged((int)id)));
                break;
            case NoticeKinds.ProbeLocations:
                // The locations page reads the database on every event (0: "something changed, re-read them all").
                IReadOnlyList<long> locations = notice.All ? [0] : notice.Ids ?? [];
                foreach (var id in locations) feed.Publish(relayed.Mark(new ProbeLocationsChanged((int)id)));
                break;
            case NoticeKinds.Deliveries when notice.All: await RefreshDeliveriesAsync(announceAlways: true, cancellationToken); break;
            case NoticeKinds.Deliveries: await ReadDeliveriesAsync(notice.Ids ?? [], cancellationToken); break;
            case NoticeKinds.ChannelHealth: await ReadChannelHealthAsync(notice.All ? null : notice.Ids ?? [], cancellationToken); break;
            case NoticeKinds.Credentials: await ReadCredentialsAsync(notice.All ? null : notice.Keys ?? [], cancellationToken); break;
            case NoticeKinds.Vault:
                // Vault's state is not stored: this node asks Vault itself (its monitor publishes a change, if any).
                if (vault.IsConfigured) await vaultMonitor.CheckAsync(cancellationToken);
                break;
        }
    }

    /// <summary>The re-read timer's part: the credential directory, and an event for every template, channel or delivery that changed since the last tick.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await ReadCredentialsAsync(null, cancellationToken);
        await RefreshTemplatesAsync(announceAll: false, cancellationToken);
        await RefreshChannelsAsync(announceAll: false, cancellationToken);
        await RefreshDeliveriesAsync(announceAlways: false, cancellationToken);
    }

    /// <summary>
    /// Reloads the credential directory. <paramref name="names"/> null: announce every set that differs from what
    /// the directory held. A set gone from the database has its cached keys (and lease) given up; a key pair whose
    /// Vault version or place changed is read from Vault again at its next use.
    /// </summary>
    public async Task ReadCredentialsAsync(IReadOnlyList<string>? names, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.CredentialSets.AsNoTracking().ToListAsync(cancellationToken);
        var before = directory.All.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var after = stored.ToDictionary(s => s.Name, StringComparer.Ordinal);
        directory.Load(stored);
        var changed = names ?? before.Keys.Union(after.Keys, StringComparer.Ordinal)
            .Where(n => !before.TryGetValue(n, out var was) || !after.TryGetValue(n, out var now) || Shown(was) != Shown(now)).ToList();
        foreach (var name in changed)
        {
            if (!after.TryGetValue(name, out var now)) await credentials.RetireAsync(name, cancellationToken);
            else if (!before.TryGetValue(name, out var was) || Used(was) != Used(now)) credentials.Forget(name);
            feed.Publish(relayed.Mark(new CredentialsChanged(name)));
        }
    }

    // What a lease or cached key pair was fetched with: a change means fetch again (a rotate-root leaves leases alone).
    private static string Used(CredentialSet set) => $"{set.Kind}|{set.VaultPath}|{set.UseSts}|{set.RoleArn}|{set.KvVersion}";

    private static string Shown(CredentialSet set) => $"{Used(set)}|{string.Join(',', set.Regions)}|{set.AccessKeyIdLast4}|{set.RotatedAt:O}";

    private async Task RefreshTemplatesAsync(bool announceAll, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = await db.Templates.AsNoTracking().Select(t => new { t.Id, t.LatestVersion, t.UpdatedAt })
            .ToDictionaryAsync(t => t.Id, t => $"{t.LatestVersion}|{t.UpdatedAt:O}", cancellationToken);
        foreach (var id in Differing(_templates, now, announceAll)) feed.Publish(relayed.Mark(new TemplatesChanged(id)));
        _templates = now;
    }

    private async Task RefreshChannelsAsync(bool announceAll, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var channels = await db.NotificationChannels.AsNoTracking().ToListAsync(cancellationToken);
        var now = channels.ToDictionary(c => c.Id, c => string.Join('|', c.Name, c.Kind, c.Enabled, c.Url, c.TargetHint, c.SmtpHost, c.SmtpPort,
            c.SmtpTls, c.SmtpUser, c.From, string.Join(',', c.To), c.HmacSecretSet, c.SmtpPasswordSet, c.SlackUrlSet,
            c.FailureStreak, c.LastError, c.LastFailedAt?.ToString("O"), c.LastSentAt?.ToString("O")));
        foreach (var id in Differing(_channels, now, announceAll))
        {
            feed.Publish(relayed.Mark(new NotificationChannelsChanged(id)));
            // The dashboard's warnings follow the failing flag: announced when it flipped unseen.
            if (channels.FirstOrDefault(c => c.Id == id) is { } channel && _failing.TryGetValue(id, out var was) && was != health.IsFailing(channel))
                feed.Publish(relayed.Mark(HealthOf(channel)));
        }
        _channels = now;
        _failing = channels.ToDictionary(c => c.Id, health.IsFailing);
    }

    /// <summary>A cheap mark of the deliveries table; when it moved, the newest delivery is announced (the page re-reads them all).</summary>
    private async Task RefreshDeliveriesAsync(bool announceAlways, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lastId = await db.NotificationDeliveries.MaxAsync(d => (long?)d.Id, cancellationToken) ?? 0;
        var pending = db.NotificationDeliveries.Where(d => d.Status == DeliveryStatus.Pending);
        var now = (lastId, await pending.CountAsync(cancellationToken), await pending.SumAsync(d => (long)d.Attempts, cancellationToken));
        var moved = _deliveries is { } before && before != now;
        _deliveries = now;
        if ((moved || announceAlways) && lastId > 0) await ReadDeliveriesAsync([lastId], cancellationToken);
    }

    private async Task ReadDeliveriesAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.NotificationDeliveries.AsNoTracking().Where(d => ids.Contains(d.Id) && d.ChannelId != null)
            .Select(d => new { d.Id, d.ChannelId, d.Status }).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        foreach (var delivery in found) feed.Publish(relayed.Mark(new NotificationDeliveryRecorded(delivery.ChannelId!.Value, delivery.Id, delivery.Status)));
    }

    /// <summary>The channels' failing flags as stored (null: every channel).</summary>
    private async Task ReadChannelHealthAsync(IReadOnlyList<long>? ids, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var wanted = ids?.Select(id => (int)id).ToList();
        var channels = await db.NotificationChannels.AsNoTracking().Where(c => wanted == null || wanted.Contains(c.Id)).ToListAsync(cancellationToken);
        foreach (var channel in channels) feed.Publish(relayed.Mark(HealthOf(channel)));
    }

    private ChannelHealthChanged HealthOf(NotificationChannel channel) => new(channel.Id, channel.Name, health.IsFailing(channel), channel.LastError);

    /// <summary>Ids added, removed or changed since <paramref name="before"/>; nothing on the first read unless <paramref name="all"/>.</summary>
    private static IEnumerable<int> Differing(Dictionary<int, string>? before, Dictionary<int, string> now, bool all)
    {
        if (all) return now.Keys.Union(before?.Keys ?? Enumerable.Empty<int>()).ToList();
        if (before is null) return [];
        return now.Where(n => !before.TryGetValue(n.Key, out var was) || was != n.Value).Select(n => n.Key)
            .Concat(before.Keys.Where(id => !now.ContainsKey(id))).ToList();
    }
}
