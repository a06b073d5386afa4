using System.Diagnostics;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Deploy;

/// <summary>deploy/probe-agent.service as shipped: systemd's own checker accepts it, and the token reaches the agent as a file, never on its command line.</summary>
public sealed class ProbeAgentUnitTests
{
    [Fact]
    public async Task Systemd_accepts_the_agents_unit_and_the_token_is_a_credential_file()
    {
        var unit = Path.Combine(NginxProxy.DeployFolder(), "probe-agent.service");
        var text = await File.ReadAllTextAsync(unit);
        var execStart = text.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        execStart.Should().Contain(" probe --server ").And.Contain("--token-file ${CREDENTIALS_DIRECTORY}/probe-token");
        execStart.Should().NotContain("PROBE_TOKEN", "a command line is readable by every user of the host");
        text.Should().Contain("LoadCredential=probe-token:");

        using var verify = Process.Start(new ProcessStartInfo("systemd-analyze", ["verify", unit]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var errors = await verify.StandardError.ReadToEndAsync();
        await verify.WaitForExitAsync();
        verify.ExitCode.Should().Be(0, errors);
        errors.Should().BeEmpty("systemd-analyze prints every ignored line of a unit");
    }
}
