using System.Diagnostics;
using BlazorAwsConsole.Infrastructure;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Sandbox;

/// <summary>Finds the moto server at Aws:ServiceUrl or starts one on that loopback port, and stops it with the console.</summary>
public sealed class MotoServer(IOptions<AwsOptions> aws, IOptions<SandboxOptions> sandbox, ILogger<MotoServer> logger) : IDisposable
{
    public const string InstallHint = "moto is not installed: install it with  pip install 'moto[server]'  (or point Aws:ServiceUrl at a running moto server).";

    private Process? _process;

    /// <returns>Null when moto answers; otherwise one line saying what is wrong and how to fix it.</returns>
    public async Task<string?> EnsureRunningAsync(CancellationToken cancellationToken)
    {
        var endpoint = new Uri(aws.Value.ServiceUrl);
        if (await AnswersAsync(endpoint, cancellationToken)) return null;

        if (!sandbox.Value.StartMoto || !endpoint.IsLoopback)
        {
            return $"No moto server answers at {endpoint}; start one with  python3 -m moto.server -H 127.0.0.1 -p {endpoint.Port}";
        }
        if (!await MotoInstalledAsync(cancellationToken)) return InstallHint;

        logger.LogInformation("Starting moto on {Endpoint}", endpoint);
        _process = Process.Start(new ProcessStartInfo(sandbox.Value.Python)
        {
            ArgumentList = { "-m", "moto.server", "-H", endpoint.Host, "-p", endpoint.Port.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        });
        if (_process is null) return $"Could not start {sandbox.Value.Python}.";
        // moto logs every request; drain its output so it never blocks on a full pipe.
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) return $"moto exited at start-up with code {_process.ExitCode}; is port {endpoint.Port} free?";
            if (await AnswersAsync(endpoint, cancellationToken)) return null;
            await Task.Delay(200, cancellationToken);
        }
        return $"moto did not answer at {endpoint} within 30 s.";
    }

    private static async Task<bool> AnswersAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(new Uri(endpoint, "/moto-api/"), cancellationToken);
            return true;
        }
        // A connection moto's half-started server accepts and drops at once surfaces as a bare SocketException
        // ("Transport endpoint is not connected", from the pool reading the remote end point), not wrapped.
        catch (Exception error) when (error is HttpRequestException or System.Net.Sockets.SocketException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<bool> MotoInstalledAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(sandbox.Value.Python)
            {
                ArgumentList = { "-c", "import moto.server" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (probe is null) return false;
            await probe.WaitForExitAsync(cancellationToken);
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no python at all
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
        }
        _process?.Dispose();
    }
}
