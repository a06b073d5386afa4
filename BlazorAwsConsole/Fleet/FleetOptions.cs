using System.ComponentModel.DataAnnotations;
using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Fleet;

/// <summary>Settings section "Fleet".</summary>
public sealed class FleetOptions
{
    public const string Section = "Fleet";

    /// <summary>Seconds between inventory polls; unset means 15 s in Sandbox mode and 60 s against AWS.</summary>
    [Range(1, 3600)]
    public int? PollIntervalSeconds { get; set; }

    public TimeSpan PollInterval(AwsMode mode) => TimeSpan.FromSeconds(PollIntervalSeconds ?? (mode == AwsMode.Sandbox ? 15 : 60));

    /// <summary>
    /// Seconds between polls of a region whose EC2 event queue is being read without error: the events
    /// carry state changes within seconds, so the poll is only the safety net (tags, type, addresses,
    /// status checks, and any event lost on the way). It is never shorter than the normal interval.
    /// </summary>
    [Range(1, 86400)]
    public int PollIntervalWithEventsSeconds { get; set; } = 300;

    /// <summary>How long one SQS ReceiveMessage waits for events (long polling, 1–20 s).</summary>
    [Range(1, 20)]
    public int EventWaitSeconds { get; set; } = 20;

    /// <summary>Poll on the schedule; off leaves the inventory to explicit syncs (tests, a read-only node).</summary>
    public bool PollOnSchedule { get; set; } = true;

    /// <summary>
    /// Seconds one page of the fleet's reads (DescribeInstances, DescribeInstanceStatus) may take before it
    /// is asked again, smaller. Longer than Aws:TimeoutSeconds, which is for one action: a page carries up
    /// to <see cref="PageSize"/> instances, and a slow endpoint answers in proportion to them.
    /// </summary>
    [Range(1, 900)]
    public int ReadPageTimeoutSeconds { get; set; } = 120;

    /// <summary>MaxResults of the first page of a region's reads (EC2 allows 5–1000).</summary>
    [Range(5, 1000)]
    public int PageSize { get; set; } = 1000;

    /// <summary>
    /// Recover from a slow endpoint: a page that misses its deadline is asked again at a quarter of its
    /// size (down to 5), the region keeps the smaller size for its next polls (growing back once pages
    /// are fast), and regions that time out together are read again one after another. Off gives the
    /// old behaviour (one try per page, all regions at once); the benchmark uses it as its "before".
    /// </summary>
    public bool AdaptToSlowEndpoint { get; set; } = true;

    /// <summary>Longest wait before a failing region is tried again.</summary>
    [Range(1, 86400)]
    public int MaxBackoffSeconds { get; set; } = 600;

    /// <summary>The regions to watch; written into the database at start-up, where the settings pages will edit them.</summary>
    public List<RegionSetting> Regions { get; set; } = [];

    public sealed class RegionSetting
    {
        [Required, RegularExpression("^[a-z]{2}(-[a-z]+)+-\\d$")]
        public string Code { get; set; } = "";
        public string? Name { get; set; }
        public bool Enabled { get; set; } = true;
        public string? ServiceUrl { get; set; }
    }
}
