using BlazorAwsConsole.Secrets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// The Vault a test talks to: always the fake, and also a real Vault (or OpenBao) when VAULT_ADDR
/// and VAULT_TOKEN are set — the same test methods run against both (ENVIRONMENT.md). The real
/// one needs KV v2 at "secret/" (a dev server has it).
/// </summary>
public sealed class VaultTarget : IAsyncDisposable
{
    public const string Fake = "fake";
    public const string Real = "real";

    private VaultTarget(string kind, string address, string rootToken, FakeVaultServer? fake)
    {
        Kind = kind;
        Address = address;
        RootToken = rootToken;
        FakeServer = fake;
    }

    public string Kind { get; }
    public string Address { get; }
    public string RootToken { get; }
    /// <summary>The fake's switches; null against a real Vault.</summary>
    public FakeVaultServer? FakeServer { get; }

    public static bool RealConfigured =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("VAULT_ADDR")) &&
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("VAULT_TOKEN"));

    /// <summary>Theory data: "fake", plus "real" when a real Vault is given.</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string> { Fake };
        if (RealConfigured) data.Add(Real);
        return data;
    }

    public static async Task<VaultTarget> StartAsync(string kind)
    {
        if (kind == Real)
        {
            return new VaultTarget(Real, Environment.GetEnvironmentVariable("VAULT_ADDR")!.TrimEnd('/'), Environment.GetEnvironmentVariable("VAULT_TOKEN")!, null);
        }
        var fake = await FakeVaultServer.StartAsync();
        return new VaultTarget(Fake, fake.Address, fake.RootToken, fake);
    }

    public VaultClient Client(string? token = null, TimeProvider? time = null, Action<VaultOptions>? configure = null)
    {
        var options = new VaultOptions { Address = Address, Token = token ?? RootToken, TimeoutSeconds = 5 };
        configure?.Invoke(options);
        return new VaultClient(Options.Create(options), time ?? TimeProvider.System, NullLogger<VaultClient>.Instance);
    }

    public ValueTask DisposeAsync() => FakeServer?.DisposeAsync() ?? ValueTask.CompletedTask;
}
