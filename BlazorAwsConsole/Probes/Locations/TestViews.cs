using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Probes.Locations;

/// <summary>A test as the API shows it: its fields with its verdict across its locations, from this node's status board.</summary>
public sealed class TestViews(ProbeStatusBoard board, IOptionsMonitor<ProbeOptions> options)
{
    public string ConsoleLocation => options.CurrentValue.LocationName;

    public TestVerdict VerdictOf(SyntheticTest test) => TestVerdict.Of(test, board.LastByLocationOf(test.Id), ConsoleLocation);

    public SyntheticTestDto Dto(SyntheticTest test) => SyntheticTestDto.From(test, ConsoleLocation, VerdictOf(test));
}
