using BlazorAwsConsole.ProbeLocations.Agents;
using BlazorAwsConsole.ProbeLocations.Agents.Runtime;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace BlazorAwsConsole.Tests.ProbeLocations.Agents;

/// <summary>The agent's spool: results kept in order until acknowledged, bounded, the oldest dropped past the bound, counted and logged; on disk with --spool-dir.</summary>
public sealed class AgentSpoolTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"), "spool");

    public void Dispose()
    {
        try { Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true); } catch (IOException) { }
    }

    private AgentSpool OnDisk(int limit = ProbeAgentOptions.DefaultSpoolLimit, ILogger<AgentSpool>? logger = null) =>
        new(new ProbeAgentOptions(new Uri("http://console/"), "vpc", "agent", "token") { SpoolLimit = limit, SpoolDirectory = _folder },
            logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<AgentSpool>.Instance);

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

    [Fact]
    public void With_a_spool_directory_a_restarted_agent_starts_with_what_it_had_not_sent_in_order_and_numbers_on()
    {
        var outcome = new ProbeOutcome
        {
            Success = false, Reason = "HTTP 503", StartedAt = DateTimeOffset.UnixEpoch.AddSeconds(3), DurationMs = 12.5, ResponseTimeMs = 11,
            Http = new HttpDetails { FinalUrl = "https://shop.example/health", StatusCode = 503 },
        };
        long acknowledged;
        using (var spool = OnDisk())
        {
            for (var second = 0; second < 5; second++) spool.Add(second == 3 ? AgentResult.Of(9, DateTimeOffset.UnixEpoch.AddSeconds(3), 4, outcome) : Run(7, second));
            acknowledged = spool.Oldest(2)[^1].Sequence;
            spool.Acknowledged(acknowledged);
        }
        // The process is gone (as after kill -9: nothing more was written than each Add appended).
        using var restarted = OnDisk();
        restarted.Count.Should().Be(3);
        var kept = restarted.Oldest(10);
        kept.Select(r => r.ScheduledAt.ToUnixTimeSeconds()).Should().Equal(2, 3, 4);
        kept.Should().OnlyContain(r => r.Sequence > acknowledged);
        var failed = kept.Single(r => r.TestId == 9);
        failed.StartLagMs.Should().Be(4);
        failed.Outcome.Should().BeEquivalentTo(outcome, "a result read back is the result that was made");
        restarted.Add(Run(7, 5));
        restarted.Oldest(10)[^1].Sequence.Should().BeGreaterThan(kept[^1].Sequence, "numbering goes on after what was read back");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(Path.Combine(_folder, AgentSpoolFile.FileName)).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "results can carry what a target answered");
        }
    }

    [Fact]
    public void A_line_cut_short_by_a_crash_is_skipped_and_the_results_after_it_are_kept()
    {
        using (var spool = OnDisk()) spool.Add(Run(7, 0));
        File.AppendAllText(Path.Combine(_folder, AgentSpoolFile.FileName), "{\"sequence\":2,\"testId\":7,\"sched");
        using (var spool = OnDisk())
        {
            spool.Count.Should().Be(1);
            spool.Add(Run(7, 1));
        }
        using var again = OnDisk();
        again.Oldest(10).Select(r => r.ScheduledAt.ToUnixTimeSeconds()).Should().Equal(0, 1);
    }

    [Fact]
    public void Two_agents_cannot_share_a_spool_directory_and_acknowledged_results_do_not_grow_the_file()
    {
        using (var spool = OnDisk())
        {
            var taken = () => OnDisk();
            taken.Should().Throw<IOException>().WithMessage("*in use*");

            for (var second = 0; second < 20_000; second++)
            {
                spool.Add(Run(7, second));
                if (second % 100 == 99) spool.Acknowledged(spool.Oldest(100)[^1].Sequence);
            }
            spool.Count.Should().Be(0);
        }
        var lines = File.ReadLines(Path.Combine(_folder, AgentSpoolFile.FileName)).Count();
        lines.Should().BeLessThanOrEqualTo(1_100, "the file is rewritten with the waiting results once acknowledged ones outnumber them");
    }

    [Fact]
    public void Past_its_bound_the_spool_on_disk_keeps_the_newest()
    {
        using (var spool = OnDisk(limit: 3))
        {
            for (var second = 0; second < 3_000; second++) spool.Add(Run(7, second));
        }
        using var restarted = OnDisk(limit: 3);
        restarted.Oldest(10).Select(r => r.ScheduledAt.ToUnixTimeSeconds()).Should().Equal(2_997, 2_998, 2_999);
    }
}
