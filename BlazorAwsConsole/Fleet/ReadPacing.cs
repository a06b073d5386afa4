using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Fleet;

/// <summary>
/// What the fleet sync has learnt about a slow endpoint, in memory per node: the page size each region
/// reads with, and whether regions are read one after another. Both come back to normal by themselves
/// once pages answer well inside their deadline (a quarter of it), so a slow hour does not stay slow.
/// </summary>
public sealed class ReadPacing(IOptions<FleetOptions> options)
{
    /// <summary>EC2's smallest MaxResults.</summary>
    public const int MinPageSize = 5;

    private readonly ConcurrentDictionary<string, int> _pageSizes = new(StringComparer.Ordinal);

    public FleetOptions Options => options.Value;

    public bool Adapts => options.Value.AdaptToSlowEndpoint;

    public TimeSpan PageDeadline => TimeSpan.FromSeconds(options.Value.ReadPageTimeoutSeconds);

    /// <summary>True after regions timed out together: the next polls read them one after another.</summary>
    public bool OneAtATime { get; private set; }

    public int PageSizeFor(string region) => Adapts ? _pageSizes.GetValueOrDefault(region, options.Value.PageSize) : options.Value.PageSize;

    /// <summary>The next smaller page after one missed its deadline, or null when none is left to try.</summary>
    public int? Smaller(int pageSize) => !Adapts || pageSize <= MinPageSize ? null : Math.Max(MinPageSize, pageSize / 4);

    /// <summary>Remembers the page size a region ended its read with; a read that was fast grows it back towards the setting.</summary>
    public void Learn(RegionRead read)
    {
        if (!Adapts) return;
        var size = read.PageSize;
        if (read.Complete && read.Timeouts == 0 && Fast(read)) size = Math.Min(options.Value.PageSize, size * 4);
        if (size >= options.Value.PageSize) _pageSizes.TryRemove(read.Region, out _);
        else _pageSizes[read.Region] = size;
    }

    /// <summary>Regions that timed out together are read one after another from now on, until a poll is fast again.</summary>
    public void LearnPoll(IReadOnlyCollection<RegionRead> reads, bool readAtOnce)
    {
        if (!Adapts) return;
        if (readAtOnce && reads.Count(r => r.Timeouts > 0) > 1) OneAtATime = true;
        else if (!readAtOnce && reads.All(r => r.Complete && r.Timeouts == 0 && Fast(r))) OneAtATime = false;
    }

    private bool Fast(RegionRead read) => read.SlowestPage < PageDeadline / 4;
}
