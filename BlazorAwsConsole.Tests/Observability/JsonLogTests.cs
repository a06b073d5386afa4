using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Observability;

/// <summary>
/// The console as a real process with its stdout piped (as under a container or systemd): logs are
/// one JSON object per line, and a line written during a request carries that request's ids.
/// </summary>
public sealed class JsonLogTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    // A start of the console as a process: 25 s and more seen under a full run beside builds (migrations alone took 23 s).
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task With_stdout_piped_logs_are_JSON_lines_carrying_the_request_and_trace_ids()
    {
        await using var console = await ConsoleProcess.StartAsync(moto);
        var traceId = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        using var http = new HttpClient { BaseAddress = console.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add("traceparent", $"00-{traceId}-{"00f067aa0ba902b7"}-01");

        (await http.SendAsync(request)).EnsureSuccessStatusCode();

        var line = await console.WaitForLineAsync(l => l.Contains(traceId) && l.Contains("Request finished"));
        var entry = JsonDocument.Parse(line).RootElement;
        entry.GetProperty("LogLevel").GetString().Should().Be("Information");
        entry.GetProperty("Category").GetString().Should().StartWith("Microsoft.AspNetCore.Hosting");
        var scopes = entry.GetProperty("Scopes").EnumerateArray().ToList();
        scopes.Select(s => Field(s, "TraceId")).Should().Contain(traceId, "the scope carries the caller's W3C trace id");
        scopes.Where(s => Field(s, "RequestPath") == "/healthz").Select(s => Field(s, "RequestId")).Should().ContainSingle()
            .Which.Should().NotBeNullOrEmpty("the request has its own id");
        console.Lines.Should().OnlyContain(l => IsJsonObject(l), "every line on stdout is one JSON object");
    }

    [Fact]
    public async Task Logging_Json_false_keeps_plain_text_even_when_piped()
    {
        await using var console = await ConsoleProcess.StartAsync(moto, "Logging:Json=false");

        var line = await console.WaitForLineAsync(l => l.Contains("BlazorAwsConsole is ready at"));

        IsJsonObject(line).Should().BeFalse();
        console.Lines.Should().Contain(l => l.StartsWith("info: "));
    }

    private static string? Field(JsonElement scope, string name) =>
        scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static bool IsJsonObject(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>`dotnet BlazorAwsConsole.dll` with its stdout read line by line.</summary>
    private sealed class ConsoleProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly string _folder;

        private ConsoleProcess(Process process, string folder)
        {
            _process = process;
            _folder = folder;
        }

        public Uri BaseAddress { get; private set; } = null!;
        public IReadOnlyList<string> Lines => _lines.ToList();

        public static async Task<ConsoleProcess> StartAsync(MotoFixture moto, params string[] settings)
        {
            var folder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"));
            Directory.CreateDirectory(folder);
            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BlazorAwsConsole.dll"));
            string[] defaults =
            [
                "urls=http://127.0.0.1:0",
                $"Aws:ServiceUrl={moto.Endpoint}",
                "Sandbox:StartMoto=false",
                "Sandbox:SeedDemoFleet=false",
                "Access:SandboxDemoAdmin=false",
                $"ConnectionStrings:Console=Data Source={Path.Combine(folder, "console.db")}",
                "Fleet:PollOnSchedule=false",
                "JumpServers:EnforceTtlOnSchedule=false",
                "Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information",
            ];
            foreach (var setting in defaults.Concat(settings)) info.ArgumentList.Add("--" + setting);
            var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
            var console = new ConsoleProcess(process, folder);
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) console._lines.Enqueue(e.Data); };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var ready = await console.WaitForLineAsync(l => l.Contains("BlazorAwsConsole is ready at"));
            var address = ready.Split(' ').Select(w => w.Trim('"', ',', '\\')).First(w => w.StartsWith("http://127.0.0.1:"));
            console.BaseAddress = new Uri(address);
            return console;
        }

        public async Task<string> WaitForLineAsync(Func<string, bool> match)
        {
            var deadline = DateTime.UtcNow + Deadline;
            while (DateTime.UtcNow < deadline)
            {
                if (_lines.FirstOrDefault(match) is { } line) return line;
                if (_process.HasExited) throw new InvalidOperationException($"the console exited with {_process.ExitCode}:\n{string.Join('\n', _lines)}");
                await Task.Delay(50);
            }
            throw new TimeoutException($"no such line within {Deadline.TotalSeconds} s:\n{string.Join('\n', _lines)}");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
