namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>xUnit class fixture around <see cref="NetworkNamespaces"/>: one multi-hop path per test class.</summary>
public sealed class NetworkNamespacesFixture : IAsyncLifetime
{
    public NetworkNamespaces Net { get; private set; } = null!;

    public async Task InitializeAsync() => Net = await NetworkNamespaces.CreateAsync();

    public async Task DisposeAsync() => await Net.DisposeAsync();
}
