using System.Diagnostics;
using BlazorAwsConsole.Probes.Ssm;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>Runs a generated probe script with the machine's bash, as the SSM agent would on an instance.</summary>
public static class LocalBash
{
    public static Task<string> RunAsync(SsmScript script) => RunAsync(script.Text);

    public static Task<string> RunAsync(string scriptText, params string[] bashArgs) => RunWithAsync("bash", bashArgs, scriptText);

    /// <summary>The script run inside network namespace <paramref name="netns"/> (`ip netns exec`), as on an instance whose network that is.</summary>
    public static Task<string> RunInNamespaceAsync(string netns, SsmScript script) => RunWithAsync("ip", ["netns", "exec", netns, "bash"], script.Text);

    /// <summary><paramref name="program"/> <paramref name="args"/> FILE, where FILE holds <paramref name="scriptText"/>.</summary>
    private static async Task<string> RunWithAsync(string program, string[] args, string scriptText)
    {
        var file = Path.Combine(Path.GetTempPath(), $"bac-ssm-{Guid.NewGuid():n}.sh");
        await File.WriteAllTextAsync(file, scriptText);
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            start.ArgumentList.Add(file);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            (await stderr).Should().BeEmpty("the script sends everything to stdout");
            return await stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>bash -c 'NAME=&lt;quoted&gt;; printf %s "$NAME"': what a quoted value becomes in the shell.</summary>
    public static async Task<string> EchoQuotedAsync(string value)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{ShellQuoting.Assign("BAC_VALUE", value)}\nprintf '%s' \"$BAC_VALUE\"");
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return stdout;
    }
}
