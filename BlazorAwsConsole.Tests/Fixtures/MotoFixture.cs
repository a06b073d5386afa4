using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.EC2;
using Amazon.Runtime;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>A real moto server on a free loopback port, for one test class.</summary>
public sealed class MotoFixture : IAsyncLifetime
{
    private Process? _process;

    public string Endpoint { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var port = FreePort();
        Endpoint = $"http://127.0.0.1:{port}";
        _process = Process.Start(new ProcessStartInfo("python3")
        {
            ArgumentList = { "-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("python3 did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"moto exited with {_process.ExitCode}");
            try
            {
                // moto's own answer (its state as JSON), so another server on the port is never taken for moto.
                using var answer = await http.GetAsync($"{Endpoint}/moto-api/data.json");
                if (answer.IsSuccessStatusCode && (await answer.Content.ReadAsStringAsync()).TrimStart().StartsWith('{')) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"moto did not answer at {Endpoint}");
    }

    public IAmazonEC2 Ec2(string region) => new AmazonEC2Client(new BasicAWSCredentials("test", "test"),
        new AmazonEC2Config { ServiceURL = Endpoint, AuthenticationRegion = region });

    /// <summary>Forgets every resource moto holds, as if AWS lost them.</summary>
    public async Task ResetAsync()
    {
        using var http = new HttpClient();
        (await http.PostAsync($"{Endpoint}/moto-api/reset", null)).EnsureSuccessStatusCode();
    }

    public static int FreePort() => LoopbackPort.Free();

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        return Task.CompletedTask;
    }
}
