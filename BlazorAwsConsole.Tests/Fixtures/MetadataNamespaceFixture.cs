namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>xUnit class fixture around <see cref="MetadataNamespace"/>.</summary>
public sealed class MetadataNamespaceFixture : IAsyncLifetime
{
    public MetadataNamespace Net { get; private set; } = null!;

    public async Task InitializeAsync() => Net = await MetadataNamespace.CreateAsync();

    public async Task DisposeAsync() => await Net.DisposeAsync();
}
