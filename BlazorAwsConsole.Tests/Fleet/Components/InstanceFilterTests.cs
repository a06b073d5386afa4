using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Fleet.Components;

public sealed class InstanceFilterTests
{
    private static readonly global::BlazorAwsConsole.Fleet.Instance Web =
        ComponentContext.Instance("i-0abc0000000000001", "web-1", "us-east-1", "running", ("team", "Payments"));

    [Theory]
    [InlineData("web")]
    [InlineData("I-0ABC")]
    [InlineData("payments")]
    [InlineData("team")]
    public void Free_text_matches_id_name_and_any_tag_ignoring_case(string text) =>
        new InstanceFilter(Text: text).Matches(Web).Should().BeTrue();

    [Fact]
    public void Free_text_matches_the_private_ip() =>
        new InstanceFilter(Text: Web.PrivateIp).Matches(Web).Should().BeTrue();

    [Theory]
    [InlineData("eu-west-1", null, null, null)]
    [InlineData(null, "stopped", null, null)]
    [InlineData(null, null, "team", "search")]
    [InlineData(null, null, "owner", null)]
    public void Region_state_and_tag_filters_exclude_what_does_not_match(string? region, string? state, string? key, string? value) =>
        new InstanceFilter(region, state, key, value).Matches(Web).Should().BeFalse();
}
