using BlazorAwsConsole.Cluster;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>Rendezvous assignment and aligned phases, as every node computes them from test ids and member names alone.</summary>
public sealed class AssignmentTests
{
    private static readonly int[] TestIds = [.. Enumerable.Range(1, 10_000)];

    [Fact]
    public void Every_test_is_owned_by_exactly_one_live_member_and_each_member_takes_about_its_share()
    {
        string[] members = ["node-a", "node-b", "node-c"];
        var owners = TestIds.Select(id => TestAssignment.Owner(id, members)).ToList();
        owners.Should().OnlyContain(o => o != null && members.Contains(o));
        // Computed by each node on its own, in any member order: the same owner.
        TestIds.Select(id => TestAssignment.Owner(id, [.. members.Reverse()])).Should().Equal(owners);
        foreach (var member in members)
        {
            owners.Count(o => o == member).Should().BeInRange(3000, 3700, $"{member} owns about a third");
        }
        TestAssignment.Owner(1, []).Should().BeNull("no live member owns nothing");
    }

    [Fact]
    public void A_join_moves_about_one_in_n_tests_all_to_the_new_member_and_a_death_moves_only_the_dead_members()
    {
        string[] three = ["node-a", "node-b", "node-c"];
        string[] four = [.. three, "node-d"];
        var before = TestIds.ToDictionary(id => id, id => TestAssignment.Owner(id, three));
        var after = TestIds.ToDictionary(id => id, id => TestAssignment.Owner(id, four));
        var moved = TestIds.Where(id => before[id] != after[id]).ToList();
        moved.Count.Should().BeInRange(2000, 3000, "a fourth member takes about a quarter");
        moved.Should().OnlyContain(id => after[id] == "node-d", "a join only moves tests to the new member");

        string[] withoutB = ["node-a", "node-c"];
        var survivors = TestIds.ToDictionary(id => id, id => TestAssignment.Owner(id, withoutB));
        TestIds.Where(id => before[id] != survivors[id]).Should().OnlyContain(id => before[id] == "node-b", "a death moves only the dead member's tests");
    }

    [Fact]
    public void Owners_and_phases_are_the_same_in_every_process()
    {
        // XxHash64 of fixed bytes is specified (not randomized per process like string.GetHashCode): these values were
        // computed by an independent XxHash64 (a Python implementation of the published algorithm) and must never change,
        // or a rolling upgrade would move tests and phases.
        var pinned = string.Join(",", new[] { 1, 2, 3, 42, 1000 }.Select(id => $"{TestAssignment.Owner(id, ["node-a", "node-b", "node-c"])}:{TestAssignment.PhaseMs(id, 60)}"));
        pinned.Should().Be(Pinned, "owners and phases are fixed by the test id and member names");
    }

    /// <summary>Owner among node-a/b/c and phase at 60 s of tests 1, 2, 3, 42 and 1000.</summary>
    private const string Pinned = "node-c:49098,node-b:17367,node-a:56600,node-b:48356,node-c:12871";

    [Fact]
    public void A_tests_fire_times_are_its_phase_plus_whole_intervals_from_the_epoch_whoever_computes_them()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var id in TestIds.Take(500))
        {
            foreach (var interval in new[] { 10, 60, 300 })
            {
                var phase = TestAssignment.PhaseMs(id, interval);
                phase.Should().BeInRange(0, interval * 1000L - 1);
                var next = TestAssignment.NextFireTime(id, interval, now);
                next.Should().BeOnOrAfter(now).And.BeBefore(now + TimeSpan.FromSeconds(interval));
                ((next.ToUnixTimeMilliseconds() - phase) % (interval * 1000L)).Should().Be(0);
                // A node computing later (a new owner) lands on the same rhythm.
                var later = TestAssignment.NextFireTime(id, interval, now + TimeSpan.FromSeconds(interval * 3.5));
                ((later - next).TotalMilliseconds % (interval * 1000)).Should().Be(0);
                TestAssignment.NextFireTime(id, interval, next).Should().Be(next, "an aligned instant is its own next fire time");
            }
        }
        // Spread: at 60 s no second of the minute holds much more than its share of 10,000 tests.
        TestIds.GroupBy(id => TestAssignment.PhaseMs(id, 60) / 1000).Should().HaveCount(60).And.OnlyContain(g => g.Count() < 10_000 / 60 * 2);
    }
}
