using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Components;
using BlazorAwsConsole.Tests.Dashboard;
using Bunit;

namespace BlazorAwsConsole.Tests.Probes.Components;

/// <summary>The test page's response-time chart: a line per location for raw ranges, one line (and p95) from the rollups.</summary>
public sealed class ResponseTimeChartTests : DashboardContext
{
    private static readonly DateTime Start = new(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc);

    private static TrendPoint Run(int second, double ms, string location) => new(Start.AddSeconds(second), ms, null, 1, 0, 0, location);

    [Fact]
    public void A_test_run_from_two_locations_draws_a_line_for_each_with_each_locations_own_times()
    {
        List<TrendPoint> points = [];
        for (var i = 0; i < 6; i++)
        {
            points.Add(Run(i * 10, 20 + i, "console"));
            points.Add(Run(i * 10 + 1, 200 + i, "vpc-a"));
        }
        var chart = Render<ResponseTimeChart>(p => p.Add(c => c.Trend, new Trend("1h", false, points, 12, 0, 0)));

        var element = chart.Find("[data-testid=response-chart]");
        element.GetAttribute("data-series").Should().Be("console|vpc-a");
        element.GetAttribute("data-points").Should().Be("12");
        chart.Markup.Should().Contain("vpc-a", "the legend names each location's line");
    }

    [Fact]
    public void One_location_is_one_response_line_and_the_rollups_draw_average_and_p95_over_all_locations()
    {
        var raw = Render<ResponseTimeChart>(p => p.Add(c => c.Trend, new Trend("1h", false, [Run(0, 20, "console"), Run(10, 22, "console")], 2, 0, 0)));
        raw.Find("[data-testid=response-chart]").GetAttribute("data-series").Should().Be("response ms");

        List<TrendPoint> hours = [new(Start, 20, 40, 360, 0, 0), new(Start.AddHours(1), 25, 45, 360, 1, 0)];
        var rolled = Render<ResponseTimeChart>(p => p.Add(c => c.Trend, new Trend("7d", true, hours, 720, 1, 0)));
        rolled.Find("[data-testid=response-chart]").GetAttribute("data-series").Should().Be("average ms|p95 ms");
    }
}
