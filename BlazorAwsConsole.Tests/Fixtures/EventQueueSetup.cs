using System.Diagnostics;
using Amazon.Runtime;
using Amazon.SQS;
using BlazorAwsConsole.Fleet.Events;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>Makes a region's event queue in moto by running, with the AWS CLI, exactly the commands the Regions tab shows.</summary>
public static class EventQueueSetup
{
    /// <returns>The queue URL the commands print last.</returns>
    public static async Task<string> CreateAsync(MotoFixture moto, string region)
    {
        // The commands as shown; only the endpoint is moto's (the CLI's AWS_ENDPOINT_URL is not honoured by every service in CLI v1).
        var script = "aws() { command aws --endpoint-url \"$MOTO_ENDPOINT\" \"$@\"; }\n" + EventQueueCommands.For(region);
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["MOTO_ENDPOINT"] = moto.Endpoint;
        start.Environment["AWS_ACCESS_KEY_ID"] = "test";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "test";
        start.Environment["AWS_PAGER"] = "";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        if (process.ExitCode != 0) throw new InvalidOperationException($"The event queue commands failed ({process.ExitCode}): {await errors}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
    }

    public static IAmazonSQS Sqs(this MotoFixture moto, string region) => new AmazonSQSClient(new BasicAWSCredentials("test", "test"),
        new AmazonSQSConfig { ServiceURL = moto.Endpoint, AuthenticationRegion = region });
}
