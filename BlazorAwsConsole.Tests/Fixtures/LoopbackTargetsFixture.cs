namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>xUnit class fixture around <see cref="LoopbackTargets"/>: one set of targets per test class.</summary>
public sealed class LoopbackTargetsFixture : IAsyncLifetime
{
    public LoopbackTargets Targets { get; private set; } = null!;

    public async Task InitializeAsync() => Targets = await LoopbackTargets.StartAsync();

    public async Task DisposeAsync() => await Targets.DisposeAsync();
}
