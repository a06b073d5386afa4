using System.Diagnostics;
using BlazorAwsConsole.ProbeLocations.AgentLaunch;

namespace BlazorAwsConsole.Tests.ProbeLocations.AgentLaunch;

/// <summary>The launched agent's user data as bash reads it: valid syntax, and a location or agent name taken literally, whatever it holds.</summary>
public sealed class AgentUserDataTests
{
    [Fact]
    public async Task The_script_parses_and_bash_reads_every_value_back_exactly()
    {
        var settings = new AgentBootSettings("https://noc.example/console", "O'Brien's \"$HOME\" `id` VPC; rm -rf /", "agent $(whoami)", "eu-west-1",
            "/blazor-aws-console/probe-agents/o-brien-s-home-id-vpc-rm-rf/7", null);
        var script = AgentUserData.Script(settings);

        (await BashAsync("-n", script)).ExitCode.Should().Be(0, "the whole script must parse");

        // Only the assignments at the top (nothing is installed here): each value is read back as it was given.
        var assignments = string.Join('\n', script.Split('\n').TakeWhile(line => !line.StartsWith("install ", StringComparison.Ordinal)));
        // Then through the settings file the units source (declare -p, as the script writes it).
        const string names = "CONSOLE_URL PROBE_LOCATION AGENT_NAME TOKEN_REGION TOKEN_PARAMETER";
        var (code, output) = await BashAsync("-c", assignments + $"\nenv=$(mktemp); declare -p {names} > \"$env\"; unset {names}; source \"$env\"; rm -f \"$env\"" +
            "\nprintf '%s\\n' \"$CONSOLE_URL\" \"$PROBE_LOCATION\" \"$AGENT_NAME\" \"$TOKEN_REGION\" \"$TOKEN_PARAMETER\" \"[$PACKAGE_URL]\"");
        code.Should().Be(0, output);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            settings.ServerUrl, settings.LocationName, settings.AgentName, settings.Region, settings.ParameterName, "[]");
    }

    private static async Task<(int ExitCode, string Output)> BashAsync(string mode, string script)
    {
        var path = Path.Combine(Path.GetTempPath(), $"agent-user-data-{Guid.NewGuid():n}.sh");
        await File.WriteAllTextAsync(path, script);
        try
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(mode);
            start.ArgumentList.Add(mode == "-n" ? path : script);
            using var bash = Process.Start(start)!;
            var output = await bash.StandardOutput.ReadToEndAsync();
            var errors = await bash.StandardError.ReadToEndAsync();
            await bash.WaitForExitAsync();
            return (bash.ExitCode, output + errors);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
