using System.Text.Json;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>The console's one DbContext. The model stays provider-neutral (SQLite now, PostgreSQL later).</summary>
public sealed class ConsoleDbContext(DbContextOptions<ConsoleDbContext> options) : DbContext(options)
{
    public DbSet<Instance> Instances => Set<Instance>();
    public DbSet<InstanceChange> InstanceChanges => Set<InstanceChange>();
    public DbSet<WatchedRegion> Regions => Set<WatchedRegion>();
    public DbSet<CredentialSet> CredentialSets => Set<CredentialSet>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Instance>(instance =>
        {
            instance.HasKey(i => i.InstanceId);
            instance.Property(i => i.InstanceId).HasMaxLength(32);
            instance.Property(i => i.Region).HasMaxLength(32);
            instance.Property(i => i.State).HasMaxLength(16);
            instance.Property(i => i.Tags).HasConversion(TagsConverter.Instance, TagsConverter.Comparer);
            instance.HasIndex(i => i.Region);
        });

        model.Entity<InstanceChange>(change =>
        {
            change.Property(c => c.InstanceId).HasMaxLength(32);
            change.Property(c => c.Region).HasMaxLength(32);
            change.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
            change.HasIndex(c => c.At);
            change.HasIndex(c => new { c.InstanceId, c.At });
        });

        model.Entity<WatchedRegion>(region =>
        {
            region.HasKey(r => r.Code);
            region.Property(r => r.Code).HasMaxLength(32);
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
            set.Property(c => c.Regions).HasConversion(RegionsConverter.Instance, RegionsConverter.Comparer);
            set.Ignore(c => c.KeyDate);
        });
    }

    private static class RegionsConverter
    {
        public static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<List<string>, string> Instance = new(
            regions => JsonSerializer.Serialize(regions, JsonSerializerOptions.Default),
            json => JsonSerializer.Deserialize<List<string>>(json, JsonSerializerOptions.Default) ?? new());

        public static readonly ValueComparer<List<string>> Comparer = new(
            (a, b) => a!.SequenceEqual(b!),
            regions => regions.Aggregate(0, (hash, code) => HashCode.Combine(hash, code)),
            regions => regions.ToList());
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
