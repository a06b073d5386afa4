using System.Diagnostics;
using BlazorAwsConsole.Fleet.Events;

namespace BlazorAwsConsole.Benchmarks.Events;

/// <summary>Makes a region's event queue and its EventBridge rules in moto by running, with the AWS CLI, the commands the Regions tab shows.</summary>
internal static class EventQueue
{
    /// <returns>The queue URL the commands print last.</returns>
    public static async Task<string> CreateAsync(string serviceUrl, string region, CancellationToken cancellationToken)
    {
        // Only the endpoint is moto's (the CLI's AWS_ENDPOINT_URL is not honoured by every service in CLI v1).
        var script = "aws() { command aws --endpoint-url \"$MOTO_ENDPOINT\" \"$@\"; }\n" + EventQueueCommands.For(region);
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["MOTO_ENDPOINT"] = serviceUrl,
                ["AWS_ACCESS_KEY_ID"] = "test",
                ["AWS_SECRET_ACCESS_KEY"] = "test",
                ["AWS_PAGER"] = "",
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"The event queue commands failed ({process.ExitCode}): {await errors}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
    }
}
