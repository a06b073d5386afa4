using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Locations;

namespace BlazorAwsConsole.Tests.Probes.Locations;

/// <summary>A test's verdict across its locations, from each location's latest run and the test's failWhen rule.</summary>
public sealed class TestVerdictTests
{
    private static readonly string[] Three = ["console", "eu-west-1", "ap-southeast-2"];

    private static SyntheticTest Test(FailWhenMode mode, int? atLeast = null) =>
        new() { Name = "api", Target = "https://api.example", Locations = [.. Three], FailWhen = mode, FailWhenAtLeast = atLeast };

    private static Dictionary<string, ProbeResult> Latest(params (string Location, bool Success, bool Degraded, string Reason)[] runs) =>
        runs.ToDictionary(r => BlazorAwsConsole.ProbeLocations.ProbeLocation.KeyOf(r.Location), r => new ProbeResult
        {
            TestId = 1, Success = r.Success, Degraded = r.Degraded, Reason = r.Reason, Source = "console", Location = r.Location, StartedAt = DateTime.UtcNow,
        });

    private static readonly Dictionary<string, ProbeResult> OneDown =
        Latest(("console", true, false, "200 OK"), ("eu-west-1", false, false, "timeout"), ("ap-southeast-2", true, false, "200 OK"));

    private static readonly Dictionary<string, ProbeResult> TwoDown =
        Latest(("console", true, false, "200 OK"), ("eu-west-1", false, false, "timeout"), ("ap-southeast-2", false, false, "connection refused"));

    [Theory]
    [InlineData(FailWhenMode.Any, null, ProbeHealth.Down, ProbeHealth.Down)]
    [InlineData(FailWhenMode.All, null, ProbeHealth.Up, ProbeHealth.Up)]
    [InlineData(FailWhenMode.AtLeast, 2, ProbeHealth.Up, ProbeHealth.Down)]
    public void One_or_two_of_three_locations_down_is_judged_by_the_tests_rule(FailWhenMode mode, int? atLeast, ProbeHealth oneDown, ProbeHealth twoDown)
    {
        TestVerdict.Of(Test(mode, atLeast), OneDown, "console").Status.Should().Be(oneDown);
        TestVerdict.Of(Test(mode, atLeast), TwoDown, "console").Status.Should().Be(twoDown);
    }

    [Fact]
    public void The_summary_names_the_locations_that_are_not_up_and_those_that_are()
    {
        var verdict = TestVerdict.Of(Test(FailWhenMode.AtLeast, 2), TwoDown, "console");
        verdict.Summary.Should().Be("down from 2 of 3 locations: eu-west-1 timeout, ap-southeast-2 connection refused; console ok");
        verdict.Locations.Select(l => l.Status).Should().Equal(ProbeHealth.Up, ProbeHealth.Down, ProbeHealth.Down);

        var below = TestVerdict.Of(Test(FailWhenMode.All), OneDown, "console");
        below.Summary.Should().StartWith("up (1 of 3 locations not up, below the failWhen threshold): eu-west-1 timeout");
    }

    [Fact]
    public void Degraded_counts_like_down_against_the_threshold_and_a_location_not_run_yet_is_unknown()
    {
        var slow = Latest(("console", true, true, "200 OK — degraded: slower than 500 ms"), ("eu-west-1", true, false, "200 OK"));
        TestVerdict.Of(Test(FailWhenMode.Any), slow, "console").Status.Should().Be(ProbeHealth.Degraded);
        var verdict = TestVerdict.Of(Test(FailWhenMode.All), slow, "console");
        verdict.Status.Should().Be(ProbeHealth.Up);
        verdict.Locations.Single(l => l.Location == "ap-southeast-2").Status.Should().BeNull();

        TestVerdict.Of(Test(FailWhenMode.Any), new Dictionary<string, ProbeResult>(), "console").Status.Should().BeNull("no location has run it");
    }

    [Fact]
    public void A_test_naming_no_location_is_judged_on_the_consoles_own_alone()
    {
        var test = new SyntheticTest { Name = "legacy", Target = "https://old.example" };
        var verdict = TestVerdict.Of(test, Latest(("home NOC", false, false, "503")), "home NOC");
        verdict.Status.Should().Be(ProbeHealth.Down);
        verdict.Summary.Should().Be("503");
    }
}
