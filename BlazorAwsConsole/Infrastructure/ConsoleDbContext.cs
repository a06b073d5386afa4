using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.JumpServers;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using BlazorAwsConsole.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// The console's one DbContext, on SQLite. The model stays provider-neutral: <see cref="PostgresConsoleDbContext"/>
/// is the same model on PostgreSQL, a type of its own only so each provider keeps its own migrations.
/// Services always ask for ConsoleDbContext (or its factory) and get whichever Database:Provider says.
/// </summary>
public class ConsoleDbContext(DbContextOptions<ConsoleDbContext> options) : IdentityDbContext<IdentityUser>(options), IDataProtectionKeyContext
{
    public DbSet<Instance> Instances => Set<Instance>();
    public DbSet<InstanceChange> InstanceChanges => Set<InstanceChange>();
    public DbSet<InstanceActionLock> InstanceActionLocks => Set<InstanceActionLock>();
    public DbSet<WatchedRegion> Regions => Set<WatchedRegion>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<JumpServerTemplate> Templates => Set<JumpServerTemplate>();
    public DbSet<JumpServerTemplateVersion> TemplateVersions => Set<JumpServerTemplateVersion>();
    public DbSet<LaunchOperation> LaunchOperations => Set<LaunchOperation>();
    public DbSet<CredentialSet> CredentialSets => Set<CredentialSet>();
    public DbSet<SyntheticTest> SyntheticTests => Set<SyntheticTest>();
    public DbSet<Cluster.ClusterMember> ClusterMembers => Set<Cluster.ClusterMember>();
    public DbSet<ProbeResult> ProbeResults => Set<ProbeResult>();
    public DbSet<ProbeRollup> ProbeRollups => Set<ProbeRollup>();
    public DbSet<AlertRule> AlertRules => Set<AlertRule>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<MaintenanceWindow> MaintenanceWindows => Set<MaintenanceWindow>();
    public DbSet<NotificationChannel> NotificationChannels => Set<NotificationChannel>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();
    public DbSet<StatusPages.StatusPage> StatusPages => Set<StatusPages.StatusPage>();
    public DbSet<StatusPages.StatusComponent> StatusComponents => Set<StatusPages.StatusComponent>();
    public DbSet<StatusPages.Incident> Incidents => Set<StatusPages.Incident>();
    public DbSet<StatusPages.IncidentUpdate> IncidentUpdates => Set<StatusPages.IncidentUpdate>();
    public DbSet<StatusPages.Subscriptions.StatusSubscription> StatusSubscriptions => Set<StatusPages.Subscriptions.StatusSubscription>();
    public DbSet<ProbeLocations.ProbeLocation> ProbeLocations => Set<ProbeLocations.ProbeLocation>();
    public DbSet<ProbeLocations.LocationToken> LocationTokens => Set<ProbeLocations.LocationToken>();
    public DbSet<ProbeLocations.Agents.ConnectedAgent> ConnectedAgents => Set<ProbeLocations.Agents.ConnectedAgent>();

    /// <summary>ASP.NET Core's data-protection key ring: every node signs cookies and antiforgery tokens with the same keys.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model); // Identity's users, roles and claims

        model.Entity<Instance>(instance =>
        {
            instance.HasKey(i => i.InstanceId);
            instance.Property(i => i.InstanceId).HasMaxLength(32);
            instance.Property(i => i.Region).HasMaxLength(32);
            instance.Property(i => i.State).HasMaxLength(16);
            instance.Property(i => i.Tags).HasConversion(TagsConverter.Instance, TagsConverter.Comparer);
            instance.HasIndex(i => i.Region);
            // Read whole with the instance, like the tags.
            instance.Property(i => i.StatusChecks).HasConversion(JsonColumn<StatusChecks>.Nullable, JsonColumn<StatusChecks>.NullableComparer);
            // Rows from before scheduled events read as none ("" would not parse as JSON).
            instance.Property(i => i.ScheduledEvents).HasConversion(JsonColumn<List<ScheduledEvent>>.Converter, JsonColumn<List<ScheduledEvent>>.Comparer)
                .HasDefaultValueSql("'[]'");
        });

        model.Entity<InstanceChange>(change =>
        {
            change.Property(c => c.InstanceId).HasMaxLength(32);
            change.Property(c => c.Region).HasMaxLength(32);
            change.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
            change.HasIndex(c => c.At);
            change.HasIndex(c => new { c.InstanceId, c.At });
        });

        model.Entity<AuditEntry>(entry =>
        {
            entry.Property(e => e.Actor).HasMaxLength(256);
            entry.Property(e => e.Address).HasMaxLength(64);
            entry.Property(e => e.Action).HasMaxLength(128);
            entry.Property(e => e.Target).HasMaxLength(512);
            entry.Property(e => e.Result).HasMaxLength(512);
            entry.HasIndex(e => e.At);
            entry.HasIndex(e => new { e.Actor, e.At });
            // The dashboard's change log reads the newest test.* entries among every API call's.
            entry.HasIndex(e => new { e.Action, e.At });
        });

        model.Entity<ApiKey>(key =>
        {
            key.Property(k => k.Name).HasMaxLength(100);
            key.Property(k => k.Role).HasMaxLength(16);
            key.Property(k => k.Hash).HasMaxLength(64);
            key.Property(k => k.Prefix).HasMaxLength(16);
            key.HasIndex(k => k.Hash).IsUnique();
        });

        model.Entity<WatchedRegion>(region =>
        {
            region.HasKey(r => r.Code);
            region.Property(r => r.Code).HasMaxLength(32);
            region.Property(r => r.EventQueueUrl).HasMaxLength(2048);
            // An AWS error text is short; a cap keeps an odd one (a proxy's HTML page) from filling the row.
            region.Property(r => r.LastError).HasMaxLength(2000);
        });

        model.Entity<JumpServerTemplate>(template =>
        {
            template.Property(t => t.Name).HasMaxLength(64);
            template.HasIndex(t => t.Name).IsUnique();
            template.HasMany(t => t.Versions).WithOne().HasForeignKey(v => v.TemplateId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<JumpServerTemplateVersion>(version =>
        {
            version.HasIndex(v => new { v.TemplateId, v.Version }).IsUnique();
            version.Property(v => v.Name).HasMaxLength(64);
            version.Property(v => v.Region).HasMaxLength(32);
            version.Property(v => v.AmiId).HasMaxLength(32);
            version.Property(v => v.InstanceType).HasMaxLength(32);
            version.Property(v => v.SubnetId).HasMaxLength(32);
            version.Property(v => v.TtlAction).HasConversion<string>().HasMaxLength(16);
            version.Property(v => v.Tags).HasConversion(TagsConverter.Instance, TagsConverter.Comparer);
            version.Property(v => v.SecurityGroupRules).HasConversion(JsonColumn<List<SecurityGroupRule>>.Converter, JsonColumn<List<SecurityGroupRule>>.Comparer);
        });

        model.Entity<LaunchOperation>(operation =>
        {
            operation.Property(o => o.Region).HasMaxLength(32);
            operation.Property(o => o.InstanceId).HasMaxLength(32);
            operation.Property(o => o.SecurityGroupId).HasMaxLength(32);
            operation.Property(o => o.Status).HasConversion<string>().HasMaxLength(16);
            operation.Property(o => o.Steps).HasConversion(JsonColumn<List<LaunchStep>>.Converter, JsonColumn<List<LaunchStep>>.Comparer);
            operation.HasIndex(o => o.StartedAt);
        });

        model.Entity<CredentialSet>(set =>
        {
            set.HasKey(c => c.Name);
            set.Property(c => c.Name).HasMaxLength(64);
            set.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
            set.Property(c => c.VaultPath).HasMaxLength(256);
            set.Property(c => c.RoleArn).HasMaxLength(2048);
            set.Property(c => c.AccessKeyIdLast4).HasMaxLength(4);
            // Read whole, like tags: a JSON text column works on every provider.
            set.Property(c => c.Regions).HasConversion(JsonColumn<List<string>>.Converter, JsonColumn<List<string>>.Comparer);
            set.Ignore(c => c.KeyDate);
        });

        model.Entity<SyntheticTest>(test =>
        {
            test.Property(t => t.Name).HasMaxLength(100);
            test.Property(t => t.Type).HasConversion<string>().HasMaxLength(16);
            test.Property(t => t.Target).HasMaxLength(2048);
            test.Property(t => t.SourceInstanceId).HasMaxLength(32);
            test.Property(t => t.SourceRegion).HasMaxLength(32);
            test.Property(t => t.HttpMethod).HasMaxLength(8);
            test.Property(t => t.Tags).HasConversion(TagsConverter.Instance, TagsConverter.Comparer);
            test.Property(t => t.Headers).HasConversion(TagsConverter.Instance, TagsConverter.Comparer);
            // Rows from before JSON assertions read as an empty list ("" would not parse as JSON).
            test.Property(t => t.JsonAssertions).HasConversion(JsonColumn<List<Probes.Json.JsonAssertion>>.Converter, JsonColumn<List<Probes.Json.JsonAssertion>>.Comparer)
                .HasDefaultValueSql("'[]'");
            // Defaults in the database too, so rows written before DNS tests existed read as a DNS test's defaults.
            test.Property(t => t.DnsRecordType).HasMaxLength(8).HasDefaultValue("A");
            test.Property(t => t.DnsResolver).HasMaxLength(64);
            test.Property(t => t.DnsProtocol).HasMaxLength(8).HasDefaultValue("udp");
            test.Property(t => t.DnsExpectedAnswers).HasConversion(JsonColumn<List<string>>.Converter, JsonColumn<List<string>>.Comparer).HasDefaultValueSql("'[]'");
            test.Property(t => t.DnsExpectedRcode).HasMaxLength(16).HasDefaultValue("NOERROR");
            test.Property(t => t.TlsServerName).HasMaxLength(253);
            test.Property(t => t.TlsMinVersion).HasMaxLength(8);
            // Rows from before locations read as no list: the console's own location, failing when it fails.
            test.Property(t => t.Locations).HasConversion(JsonColumn<List<string>>.Converter, JsonColumn<List<string>>.Comparer).HasDefaultValueSql("'[]'");
            test.Property(t => t.FailWhen).HasConversion<string>().HasMaxLength(8).HasDefaultValue(Probes.Locations.FailWhenMode.Any);
        });

        model.Entity<ProbeResult>(result =>
        {
            result.Property(r => r.Type).HasConversion<string>().HasMaxLength(16);
            result.Property(r => r.Reason).HasMaxLength(512);
            result.Property(r => r.Source).HasMaxLength(32);
            result.Property(r => r.Location).HasMaxLength(ProbeResult.MaxLocationChars).HasDefaultValue(ProbeResult.DefaultLocation);
            result.Ignore(r => r.Status);
            // Details are read whole with their result, so each type's are one JSON column (null for other types).
            result.Property(r => r.Ping).HasConversion(JsonColumn<PingDetails>.Nullable, JsonColumn<PingDetails>.NullableComparer);
            result.Property(r => r.Traceroute).HasConversion(JsonColumn<TracerouteDetails>.Nullable, JsonColumn<TracerouteDetails>.NullableComparer);
            result.Property(r => r.Port).HasConversion(JsonColumn<PortDetails>.Nullable, JsonColumn<PortDetails>.NullableComparer);
            result.Property(r => r.Http).HasConversion(JsonColumn<HttpDetails>.Nullable, JsonColumn<HttpDetails>.NullableComparer);
            result.Property(r => r.Dns).HasConversion(JsonColumn<DnsDetails>.Nullable, JsonColumn<DnsDetails>.NullableComparer);
            result.Property(r => r.Tls).HasConversion(JsonColumn<TlsDetails>.Nullable, JsonColumn<TlsDetails>.NullableComparer);
            result.HasIndex(r => new { r.TestId, r.StartedAt });
            result.HasIndex(r => r.StartedAt);
            // Read through the property: a row made without a scheduled time is due when it started (ProbeResult.ScheduledAt).
            result.Property(r => r.ScheduledAt).UsePropertyAccessMode(PropertyAccessMode.Property);
            // One result per fire and location: a double run at a handover is stored once (the writers skip the second, and
            // count it), and each location's run of one fire is its own row. On PostgreSQL the table is partitioned by
            // ScheduledAt (ProbeResultPartitions), so this index holds the partition key.
            result.HasIndex(r => new { r.TestId, r.ScheduledAt, r.Location }).IsUnique();
        });

        model.Entity<AlertRule>(rule =>
        {
            rule.Property(r => r.Name).HasMaxLength(100);
            rule.Property(r => r.Condition).HasConversion<string>().HasMaxLength(32);
            rule.Property(r => r.Severity).HasConversion<string>().HasMaxLength(16);
            rule.Property(r => r.InstanceId).HasMaxLength(32);
            rule.Property(r => r.Tag).HasMaxLength(300);
            rule.Property(r => r.State).HasMaxLength(16);
            rule.Property(r => r.NoticeKind).HasMaxLength(32);
            rule.Property(r => r.Location).HasMaxLength(AlertRule.MaxLocationLength);
            rule.Property(r => r.ChannelIds).HasConversion(JsonColumn<List<int>>.Converter, JsonColumn<List<int>>.Comparer);
            rule.Property(r => r.Escalation).HasConversion(JsonColumn<List<EscalationStep>>.Converter, JsonColumn<List<EscalationStep>>.Comparer).HasDefaultValueSql("'[]'");
        });

        model.Entity<Alert>(alert =>
        {
            alert.Property(a => a.RuleName).HasMaxLength(100);
            alert.Property(a => a.Severity).HasConversion<string>().HasMaxLength(16);
            alert.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
            alert.Property(a => a.SubjectKey).HasMaxLength(128);
            alert.Property(a => a.Subject).HasMaxLength(300);
            alert.Property(a => a.Link).HasMaxLength(300);
            alert.Property(a => a.Summary).HasMaxLength(1000);
            alert.Property(a => a.AcknowledgedBy).HasMaxLength(256);
            alert.Property(a => a.AcknowledgeComment).HasMaxLength(1000);
            alert.Property(a => a.Escalations).HasConversion(JsonColumn<List<EscalationSent>>.Converter, JsonColumn<List<EscalationSent>>.Comparer).HasDefaultValueSql("'[]'");
            alert.Ignore(a => a.IsOpen);
            alert.HasIndex(a => a.Status);
            alert.HasIndex(a => new { a.RuleId, a.SubjectKey, a.ResolvedAt });
            // At most one open alert per rule and subject, also when two nodes evaluate at once: the second insert fails.
            alert.HasIndex(a => new { a.RuleId, a.SubjectKey }).IsUnique().HasFilter("\"Status\" <> 'Resolved'").HasDatabaseName("IX_Alerts_OpenPerSubject");
        });

        model.Entity<MaintenanceWindow>(window =>
        {
            window.Property(w => w.Name).HasMaxLength(100);
            window.Property(w => w.InstanceTag).HasMaxLength(300);
            window.Property(w => w.RuleIds).HasConversion(JsonColumn<List<int>>.Converter, JsonColumn<List<int>>.Comparer);
            window.HasIndex(w => w.EndsAt);
        });

        model.Entity<ProbeRollup>(rollup =>
        {
            rollup.HasKey(r => new { r.TestId, r.Hour });
            rollup.HasIndex(r => r.Hour);
        });

        model.Entity<NotificationChannel>(channel =>
        {
            channel.Property(c => c.Name).HasMaxLength(64);
            channel.HasIndex(c => c.Name).IsUnique();
            channel.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
            channel.Property(c => c.SmtpTls).HasConversion<string>().HasMaxLength(16);
            channel.Property(c => c.Url).HasMaxLength(2048);
            channel.Property(c => c.TargetHint).HasMaxLength(512);
            channel.Property(c => c.SmtpHost).HasMaxLength(255);
            channel.Property(c => c.SmtpUser).HasMaxLength(256);
            channel.Property(c => c.From).HasMaxLength(320);
            channel.Property(c => c.LastError).HasMaxLength(1024);
            channel.Property(c => c.Endpoint).HasMaxLength(2048);
            channel.Property(c => c.Region).HasMaxLength(8);
            channel.Property(c => c.ChatId).HasMaxLength(64);
            channel.Property(c => c.To).HasConversion(JsonColumn<List<string>>.Converter, JsonColumn<List<string>>.Comparer);
            channel.Ignore(c => c.NeedsVault);
            channel.HasMany<NotificationDelivery>().WithOne().HasForeignKey(d => d.ChannelId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<NotificationDelivery>(delivery =>
        {
            delivery.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
            delivery.Property(d => d.LastError).HasMaxLength(1024);
            // The worker's "what is due" query, and a channel's recent deliveries.
            delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
            delivery.HasIndex(d => new { d.ChannelId, d.Id });
            delivery.HasIndex(d => d.AlertId);
            delivery.Property(d => d.ClaimedBy).HasMaxLength(100);
        });

        model.Entity<Cluster.ClusterMember>(member =>
        {
            member.HasKey(m => m.NodeName); // one row per node name; a restart renews it with a new start id
            member.Property(m => m.NodeName).HasMaxLength(100);
            member.Property(m => m.StartId).HasMaxLength(32);
            member.Property(m => m.Location).HasMaxLength(64).HasDefaultValue("console");
        });

        model.Entity<InstanceActionLock>(hold =>
        {
            hold.HasKey(l => l.InstanceId); // one action per instance at a time, across nodes
            hold.Property(l => l.InstanceId).HasMaxLength(32);
            hold.Property(l => l.Action).HasConversion<string>().HasMaxLength(16);
            hold.Property(l => l.Node).HasMaxLength(100);
            hold.Property(l => l.Actor).HasMaxLength(256);
        });

        BlazorAwsConsole.StatusPages.StatusPagesModel.Configure(model);
        BlazorAwsConsole.ProbeLocations.ProbeLocationsModel.Configure(model);
    }

    /// <summary>A value read and written whole (rules, steps) stored as one JSON text column, like the tags.</summary>
    internal static class JsonColumn<T> where T : class, new()
    {
        public static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T, string> Converter = new(
            value => JsonSerializer.Serialize(value, JsonSerializerOptions.Default),
            json => JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Default) ?? new T());

        /// <summary>For an optional value: EF Core stores null as NULL without calling the converter.</summary>
        public static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T?, string> Nullable = new(
            value => JsonSerializer.Serialize(value, JsonSerializerOptions.Default),
            json => JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Default));

        public static readonly ValueComparer<T?> NullableComparer = new(
            (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Default) == JsonSerializer.Serialize(b, JsonSerializerOptions.Default),
            value => JsonSerializer.Serialize(value, JsonSerializerOptions.Default).GetHashCode(),
            value => value == null ? null : JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, JsonSerializerOptions.Default), JsonSerializerOptions.Default));

        // Compared by their JSON, so a step changed in place is noticed and saved.
        public static readonly ValueComparer<T> Comparer = new(
            (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Default) == JsonSerializer.Serialize(b, JsonSerializerOptions.Default),
            value => JsonSerializer.Serialize(value, JsonSerializerOptions.Default).GetHashCode(),
            value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, JsonSerializerOptions.Default), JsonSerializerOptions.Default)!);
    }

    /// <summary>Tags are stored as one JSON text column: every provider has text, and tags are always read whole.</summary>
    private static class TagsConverter
    {
        public static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<Dictionary<string, string>, string> Instance = new(
            tags => JsonSerializer.Serialize(tags, JsonSerializerOptions.Default),
            json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Default) ?? new());

        public static readonly ValueComparer<Dictionary<string, string>> Comparer = new(
            (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
            tags => tags.Aggregate(0, (hash, pair) => hash ^ HashCode.Combine(pair.Key, pair.Value)),
            tags => new Dictionary<string, string>(tags, StringComparer.Ordinal));
    }
}
