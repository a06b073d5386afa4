using System.Globalization;

namespace BlazorAwsConsole.Fleet;

/// <summary>
/// One region's read in progress: what has been read so far, in how many pages, and what the pacing
/// did (timeouts, page sizes). Written by one read at a time; the sync reads it for progress and, when
/// the read stops early, stores only what it holds (the unread instances stay as they were).
/// </summary>
public sealed class RegionRead(string region, int pageSize, int? expected)
{
    public string Region { get; } = region;

    /// <summary>MaxResults of the next page; lowered after a page misses its deadline.</summary>
    public int PageSize { get; internal set; } = pageSize;

    /// <summary>How many instances the region is believed to hold (its last count, or DescribeInstanceStatus' count once read); null when unknown.</summary>
    public int? Expected { get; internal set; } = expected;

    public List<Instance> Instances { get; } = [];

    public int Pages { get; internal set; }

    /// <summary>Pages (of either call) that missed their deadline and were asked again or given up.</summary>
    public int Timeouts { get; internal set; }

    /// <summary>Each lowering of the page size, e.g. "1000→250".</summary>
    public List<string> PageSizeChanges { get; } = [];

    /// <summary>The longest one page took; the pacing grows the page size back when this is well inside the deadline.</summary>
    public TimeSpan SlowestPage { get; internal set; }

    /// <summary>True once the last page of DescribeInstances was read: only then may missing instances count as gone.</summary>
    public bool Complete { get; internal set; }

    /// <summary>For the region's status: "loading: 1,000 of ~2,500 instances (pages of 250 after 1 timeout)".</summary>
    public string Describe()
    {
        var read = Instances.Count.ToString("N0", CultureInfo.InvariantCulture);
        var text = Expected is { } total && total > 0
            ? $"loading: {read} of ~{Math.Max(total, Instances.Count).ToString("N0", CultureInfo.InvariantCulture)} instances"
            : $"loading: {read} instances so far";
        return Timeouts == 0 ? text : $"{text} (pages of {PageSize} after {Timeouts} timeout{(Timeouts == 1 ? "" : "s")})";
    }
}
