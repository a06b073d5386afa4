using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Components;
using BlazorAwsConsole.Tests.Fixtures;
using Bunit;

namespace BlazorAwsConsole.Tests.Fleet.Components;

public sealed class FleetFilterBarTests : ComponentContext
{
    [Fact]
    public void Typing_in_the_filter_box_reports_the_new_text_filter()
    {
        InstanceFilter? reported = null;
        var bar = RenderPage<FleetFilterBar>(p => p
            .Add(b => b.Filter, new InstanceFilter(Region: "eu-west-1"))
            .Add(b => b.Regions, ["eu-west-1", "us-east-1"])
            .Add(b => b.FilterChanged, filter => reported = filter));

        bar.Find("input[data-testid=fleet-filter]").Input("payments");

        bar.WaitForAssertion(() => reported.Should().Be(new InstanceFilter(Region: "eu-west-1", Text: "payments")));
    }
}
