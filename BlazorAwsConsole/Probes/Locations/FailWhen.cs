namespace BlazorAwsConsole.Probes.Locations;

/// <summary>How many of a test's locations must fail in one interval for the test to be down.</summary>
public enum FailWhenMode
{
    /// <summary>One failing location is enough (the default: the strictest).</summary>
    Any,
    /// <summary>Every location must fail: "our path to it is down" from some places is not an outage.</summary>
    All,
    /// <summary>At least <see cref="SyntheticTest.FailWhenAtLeast"/> locations.</summary>
    AtLeast,
}

public static class FailWhenRules
{
    /// <summary>How many failing locations make the test down, for a test run from <paramref name="locations"/> places.</summary>
    public static int Threshold(FailWhenMode mode, int? atLeast, int locations) => mode switch
    {
        FailWhenMode.All => Math.Max(1, locations),
        FailWhenMode.AtLeast => Math.Clamp(atLeast ?? 1, 1, Math.Max(1, locations)),
        _ => 1,
    };

    /// <summary>As the API writes it: <c>"any"</c>, <c>"all"</c> or <c>{"atLeast": k}</c>.</summary>
    public static object ToJson(FailWhenMode mode, int? atLeast) => mode switch
    {
        FailWhenMode.All => "all",
        FailWhenMode.AtLeast => new Dictionary<string, int> { ["atLeast"] = atLeast ?? 1 },
        _ => "any",
    };

    /// <summary>"any", "all" or "at least 2 of 3", for pages.</summary>
    public static string Describe(FailWhenMode mode, int? atLeast, int locations) => mode switch
    {
        FailWhenMode.All => locations == 1 ? "when it fails" : $"when all {locations} locations fail",
        FailWhenMode.AtLeast => $"when at least {atLeast} of {locations} locations fail",
        _ => locations == 1 ? "when it fails" : "when any location fails",
    };
}
