using BlazorAwsConsole.ProbeLocations.Agents;
using BlazorAwsConsole.ProbeLocations.Agents.Runtime;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace BlazorAwsConsole.Tests.ProbeLocations.Agents;

/// <summary>The agent's spool: results kept in order until acknowledged, bounded, the oldest dropped past the bound, counted and logged.</summary>
public sealed class AgentSpoolTests
{
    private static AgentResult Run(int testId, int second) => AgentResult.Of(testId, DateTimeOffset.UnixEpoch.AddSeconds(second), 1,
        new ProbeOutcome { Success = true, Reason = "ok", StartedAt = DateTimeOffset.UnixEpoch.AddSeconds(second), DurationMs = 1 });

    [Fact]
    public void Past_its_bound_the_spool_drops_the_oldest_counts_and_logs_it_and_acknowledged_results_leave_in_order()
    {
        var logs = new CapturedLogs();
        using var logging = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var spool = new AgentSpool(new ProbeAgentOptions(new Uri("http://console/"), "vpc", "agent", "token") { SpoolLimit = 3 }, logging.CreateLogger<AgentSpool>());
        for (var second = 0; second < 5; second++) spool.Add(Run(7, second));

        spool.Count.Should().Be(3);
        spool.Dropped.Should().Be(2);
        var oldest = spool.Oldest(2);
        oldest.Select(r => r.ScheduledAt.ToUnixTimeSeconds()).Should().Equal(2, 3);
        oldest.Select(r => r.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        logs.Lines.Should().ContainSingle(line => line.Contains("Result spool full (3 results)"), "the first drop is logged, not every one");

        spool.Acknowledged(oldest[^1].Sequence);
        spool.Oldest(10).Select(r => r.ScheduledAt.ToUnixTimeSeconds()).Should().Equal(4);
        spool.Add(Run(7, 5));
        spool.Oldest(10).Select(r => r.ScheduledAt.ToUnixTimeSeconds()).Should().Equal(4, 5);
    }

    [Fact]
    public void A_spooled_result_is_capped_as_a_stored_run_is()
    {
        var outcome = new ProbeOutcome
        {
            Success = false, Reason = new string('r', 5_000), StartedAt = DateTimeOffset.UnixEpoch, DurationMs = 1,
            Http = new HttpDetails { FinalUrl = "http://x/" + new string('u', 50_000) },
        };
        var result = AgentResult.Of(1, DateTimeOffset.UnixEpoch, null, outcome);
        result.Outcome.Reason.Length.Should().BeLessThanOrEqualTo(BlazorAwsConsole.Probes.ProbeResult.MaxReasonChars);
        result.Outcome.Http!.FinalUrl!.Length.Should().BeLessThanOrEqualTo(HttpDetails.MaxUrlChars);
    }
}
