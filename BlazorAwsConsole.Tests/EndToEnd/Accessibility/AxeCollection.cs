using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.EndToEnd.Accessibility;

/// <summary>
/// The axe checks get their own Chromium and run beside the other test collections instead of inside
/// the serialized browser collection: they wait for a page to settle rather than for a live update in
/// a time window, so a loaded machine slows them but cannot make them fail. Run alone, their ~80
/// checks were most of the suite's serialized tail.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AxeCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "axe";
}
