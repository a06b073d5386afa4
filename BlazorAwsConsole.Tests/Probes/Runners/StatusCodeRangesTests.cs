using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Tests.Probes.Runners;

public sealed class StatusCodeRangesTests
{
    [Theory]
    [InlineData(null, 200, true)]
    [InlineData("", 399, true)]
    [InlineData(" ", 404, false)]
    [InlineData("200", 200, true)]
    [InlineData("200", 201, false)]
    [InlineData("200-299,301", 250, true)]
    [InlineData("200-299,301", 301, true)]
    [InlineData("200-299,301", 302, false)]
    [InlineData("4xx", 404, true)]
    [InlineData("4xx, 503", 503, true)]
    public void Codes_and_ranges_are_understood(string? text, int status, bool accepted)
    {
        StatusCodeRanges.TryParse(text, out var ranges, out var error).Should().BeTrue();
        error.Should().BeNull();
        ranges.Contains(status).Should().Be(accepted);
    }

    [Theory]
    [InlineData("abc", "'abc' is not a status code (100-599) or a range such as 200-299")]
    [InlineData("200-", "'200-' is not a status code (100-599) or a range such as 200-299")]
    [InlineData("700", "'700' is not a status code (100-599) or a range such as 200-299")]
    [InlineData("299-200", "'299-200' is a range whose start is after its end")]
    public void Bad_text_gets_a_message(string text, string message)
    {
        StatusCodeRanges.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().Be(message);
    }
}
