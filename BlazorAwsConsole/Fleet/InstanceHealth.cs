namespace BlazorAwsConsole.Fleet;

/// <summary>EC2's three status checks of an instance, in EC2's words: ok, impaired, insufficient-data, initializing, not-applicable.</summary>
public sealed class StatusChecks
{
    public const string NotApplicable = "not-applicable";

    public string System { get; set; } = NotApplicable;
    public string Instance { get; set; } = NotApplicable;
    public string Ebs { get; set; } = NotApplicable;

    /// <summary>When EC2 says each impaired check failed (its details' impairedSince), by check name; absent when EC2 did not say.</summary>
    public Dictionary<string, DateTime> ImpairedSince { get; set; } = [];

    public IEnumerable<(string Name, string Value)> All => [("system", System), ("instance", Instance), ("ebs", Ebs)];

    public bool IsImpaired => All.Any(c => c.Value == "impaired");

    /// <summary>The grid's words: "2/2 checks passed", "1/2 impaired", "initializing", "insufficient data", or "–" for a stopped instance.</summary>
    public string Summary
    {
        get
        {
            var applicable = All.Where(c => c.Value != NotApplicable).ToList();
            if (applicable.Count == 0) return "–";
            var impaired = applicable.Count(c => c.Value == "impaired");
            if (impaired > 0) return $"{impaired}/{applicable.Count} impaired";
            if (applicable.Any(c => c.Value == "initializing")) return "initializing";
            if (applicable.Any(c => c.Value != "ok")) return "insufficient data";
            return $"{applicable.Count}/{applicable.Count} checks passed";
        }
    }

    public bool SameAs(StatusChecks? other) => other is not null && System == other.System && Instance == other.Instance && Ebs == other.Ebs;
}

/// <summary>A scheduled event of an instance (instance-retirement, system-reboot, system-maintenance, instance-reboot, instance-stop).</summary>
public sealed class ScheduledEvent
{
    public string Code { get; set; } = "";
    public string Description { get; set; } = "";
    public DateTime? NotBefore { get; set; }
    public DateTime? NotAfter { get; set; }

    /// <summary>Its change log value: "system-reboot from 2026-12-01 02:00 UTC: …".</summary>
    public string Describe() => $"{Code}{(NotBefore is { } at ? $" from {at:yyyy-MM-dd HH:mm} UTC" : "")}: {Description}";

    public string Key => $"{Code}|{NotBefore:O}";
}
