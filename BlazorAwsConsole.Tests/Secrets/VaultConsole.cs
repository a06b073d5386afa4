using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;

namespace BlazorAwsConsole.Tests.Secrets;

/// <summary>A console wired to a fake Vault with short cache and status intervals, so tests see changes within a second or two.</summary>
internal static class VaultConsole
{
    public static Task<ConsoleHost> StartAsync(MotoFixture moto, FakeVaultServer vault, params string[] settings) =>
        StartAsync(moto, vault, null, settings);

    public static Task<ConsoleHost> StartAsync(MotoFixture moto, FakeVaultServer vault, Action<WebApplicationBuilder>? configure, params string[] settings) =>
        ConsoleHost.StartAsync(moto, configure,
        [
            $"Vault:Address={vault.Address}",
            $"Vault:Token={vault.RootToken}",
            "Vault:KvRefreshSeconds=1",
            "Vault:StatusCheckSeconds=1",
            "Vault:TimeoutSeconds=2",
            // moto shares two cores with everything else: give it time rather than fail on load.
            "Aws:TimeoutSeconds=20",
            .. settings,
        ]);

    public static Task<HttpResponseMessage> AddKeyPairAsync(ConsoleHost console, string name, MotoIam.AccessKey key, string[] regions, string? roleArn = null) =>
        console.Http.PostAsJsonAsync("/api/settings/credentials", new
        {
            name,
            kind = "KeyPair",
            accessKeyId = key.AccessKeyId,
            secretAccessKey = key.SecretAccessKey,
            regions,
            roleArn,
        });

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Polls until <paramref name="condition"/> holds or the deadline passes (no fixed sleeps).</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because) =>
        Poll.UntilAsync(condition, timeout, () => $"timed out waiting until {because}", everyMs: 100);
}
