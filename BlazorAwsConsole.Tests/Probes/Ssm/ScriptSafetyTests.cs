using System.Net;
using System.Net.Sockets;
using System.Text;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>
/// No user text can execute in a probe script: hostile values are refused where they cannot be valid
/// (hosts, URLs, methods, header names) and arrive byte for byte as data where any text is allowed
/// (send/expect text, bodies, header values, body checks). The generated scripts are run with the
/// machine's bash against loopback targets; a marker file the hostile text tries to create must not exist.
/// </summary>
public sealed class ScriptSafetyTests : IDisposable
{
    private readonly string _marker = Path.Combine(Path.GetTempPath(), $"bac-pwned-{Guid.NewGuid():n}");

    public void Dispose() => File.Delete(_marker);

    /// <summary>Every way text could break out of a shell line, each trying to create the marker.</summary>
    private IEnumerable<string> Hostile() =>
    [
        $"; touch {_marker}",
        $"$(touch {_marker})",
        $"`touch {_marker}`",
        $"'; touch {_marker}; '",
        $"\"; touch {_marker}; \"",
        $"\\'$(touch {_marker})\\'",
        $"x\ntouch {_marker}\n",
        $"'\n'touch {_marker}'\n",
        $"${{IFS}}$(touch${{IFS}}{_marker})",
        $"\r\n&& touch {_marker} || touch {_marker} | touch {_marker} > {_marker}",
        "; rm -rf /tmp/bac-never-there",
        "$(id)",
    ];

    [Fact]
    public async Task A_quoted_value_reaches_the_shell_verbatim_and_never_runs()
    {
        foreach (var value in Hostile())
        {
            (await LocalBash.EchoQuotedAsync(value)).Should().Be(value);
        }
        File.Exists(_marker).Should().BeFalse();
    }

    [Fact]
    public void Quoting_closes_and_reopens_around_each_single_quote()
    {
        ShellQuoting.Quote("it's").Should().Be(@"'it'\''s'");
        ShellQuoting.Quote("").Should().Be("''");
        ShellQuoting.Quote("$(id) `id` \"x\"").Should().Be("'$(id) `id` \"x\"'");
        ShellQuoting.AssignArray("A", ["a b", "c'd"]).Should().Be(@"A=('a b' 'c'\''d')");
        FluentActions.Invoking(() => ShellQuoting.Quote("a\0b")).Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("127.0.0.1; touch /tmp/x")]
    [InlineData("$(id)")]
    [InlineData("`id`")]
    [InlineData("-oProxyCommand=id")]
    [InlineData("local host")]
    [InlineData("localhost\ntouch")]
    [InlineData("host'name")]
    [InlineData("")]
    public void Hostile_hosts_are_refused_naming_the_target(string host)
    {
        foreach (var type in new[] { ProbeType.Ping, ProbeType.Traceroute, ProbeType.Port })
        {
            FluentActions.Invoking(() => SsmProbeScripts.Build(new ProbeSpec { Type = type, Target = host, Port = 80 }))
                .Should().Throw<SsmSpecException>().Where(e => e.Field == "Target" && e.Message.StartsWith("Target: "));
        }
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://127.0.0.1/")]
    [InlineData("http://127.0.0.1/a b")]
    [InlineData("-K/etc/passwd")]
    [InlineData("http://127.0.0.1/\ntouch")]
    [InlineData("not a url")]
    public void Hostile_urls_are_refused(string url)
    {
        FluentActions.Invoking(() => SsmProbeScripts.Build(new ProbeSpec { Type = ProbeType.Http, Target = url }))
            .Should().Throw<SsmSpecException>().Where(e => e.Field == "Target");
    }

    [Fact]
    public void Hostile_methods_header_names_and_numbers_are_refused_naming_the_field()
    {
        var http = new ProbeSpec { Type = ProbeType.Http, Target = "http://127.0.0.1/" };
        Field(http with { HttpMethod = "GET; id" }).Should().Be("HttpMethod");
        Field(http with { Headers = new Dictionary<string, string> { ["X-A: b\nX-C"] = "d" } }).Should().Be("Headers");
        Field(http with { Headers = new Dictionary<string, string> { ["X-A"] = "b\r\nInjected: 1" } }).Should().Be("Headers");
        Field(http with { ExpectedStatus = "200; id" }).Should().Be("ExpectedStatus");
        Field(http with { BodyMatchesRegex = "(" }).Should().Be("BodyMatchesRegex");
        Field(http with { Target = "http://169.254.169.254/latest/meta-data/" }).Should().Be("Target");
        Field(http with { MaxRedirects = 51 }).Should().Be("MaxRedirects");
        var ping = new ProbeSpec { Type = ProbeType.Ping, Target = "127.0.0.1" };
        Field(ping with { PingCount = 0 }).Should().Be("PingCount");
        Field(ping with { PingTtl = 256 }).Should().Be("PingTtl");
        Field(ping with { PingPayloadBytes = -1 }).Should().Be("PingPayloadBytes");
        Field(ping with { Timeout = TimeSpan.FromHours(1) }).Should().Be("Timeout");
        Field(new ProbeSpec { Type = ProbeType.Port, Target = "127.0.0.1", Port = 70000 }).Should().Be("Port");
        Field(new ProbeSpec { Type = ProbeType.Port, Target = "169.254.169.254", Port = 80 }).Should().Be("Target");
        Field(new ProbeSpec { Type = ProbeType.Traceroute, Target = "127.0.0.1", MaxHops = 0 }).Should().Be("MaxHops");
        SsmProbeScripts.Build(new ProbeSpec { Type = ProbeType.Port, Target = "169.254.169.254", Port = 80, LinkLocalAllowList = ["169.254.169.254"] })
            .Text.Should().Contain("BAC_HOST='169.254.169.254'", "an allow-listed link-local address may be probed");
    }

    [Theory]
    [InlineData(ProbeType.Ping)]
    [InlineData(ProbeType.Traceroute)]
    [InlineData(ProbeType.Port)]
    [InlineData(ProbeType.Http)]
    [InlineData(ProbeType.Dns)]
    [InlineData(ProbeType.Tls)]
    public void Values_sit_quoted_at_the_top_and_the_logic_below_only_reads_them_double_quoted(ProbeType type)
    {
        var target = type == ProbeType.Http ? "http://127.0.0.1/$(id)" : "localhost";
        var script = SsmProbeScripts.Build(new ProbeSpec { Type = type, Target = target, Port = 22, SendText = "it's $(id)", Body = "$(id)" });

        script.Lines[0].Should().Be("#!/bin/bash");
        var logicStart = script.Text.IndexOf("# --- fixed logic", StringComparison.Ordinal);
        var values = script.Text[..logicStart];
        var logic = script.Text[logicStart..];
        values.Split('\n').Where(l => l.StartsWith("BAC_", StringComparison.Ordinal)).Should().NotBeEmpty()
            .And.OnlyContain(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^BAC_[A-Z_]+=(\(.*\)|'.*)$"));
        logic.Should().NotContain("$(id)", "values appear once, at the top");
        foreach (var line in logic.Split('\n').Where(l => !l.TrimStart().StartsWith('#')))
        {
            // What is left once quoted strings are taken out must not read a value.
            var bare = System.Text.RegularExpressions.Regex.Replace(line, "'[^']*'", "");
            bare = System.Text.RegularExpressions.Regex.Replace(bare, "\"(?:[^\"\\\\]|\\\\.)*\"", "");
            bare.Should().NotMatchRegex(@"\$\{?BAC_(?!NOW)", $"'{line}' reads a value unquoted");
        }
        if (type == ProbeType.Port) script.Text.Should().Contain(@"BAC_SEND='it'\''s $(id)'");
    }

    [Fact]
    public async Task Hostile_send_and_expect_text_go_to_the_service_as_bytes()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var send = string.Join("|", Hostile());
        var reply = $"ACK $(touch {_marker})";
        var received = ReceiveAsync(listener, Encoding.UTF8.GetByteCount(send), reply);
        var spec = new ProbeSpec
        {
            Type = ProbeType.Port, Target = "127.0.0.1", Port = port, SendText = send,
            ExpectText = reply, Timeout = TimeSpan.FromSeconds(10),
        };

        var stdout = await LocalBash.RunAsync(SsmProbeScripts.Build(spec));
        var outcome = SsmOutputParsers.Parse(spec, stdout, DateTimeOffset.UtcNow, 0);

        (await received.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(send);
        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Port!.Banner.Should().Be(reply);
        File.Exists(_marker).Should().BeFalse();
    }

    [Fact]
    public async Task Hostile_url_headers_body_and_body_checks_reach_the_server_as_data()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        var body = string.Join("\n", Hostile());
        var header = $"'; touch {_marker}; ' $(touch {_marker}) `touch {_marker}` \"";
        var spec = new ProbeSpec
        {
            Type = ProbeType.Http,
            Target = $"http://127.0.0.1:{port}/probe?q=$(touch${{IFS}}{_marker})&r='x'",
            HttpMethod = "POST",
            Headers = new Dictionary<string, string> { ["X-Hostile"] = header, ["X-Quote'd"] = "1" },
            Body = body,
            BodyContains = $"$(touch {_marker})",
            BodyMustNotContain = $"`touch {_marker}` never",
            BodyMatchesRegex = @"touch .*bac-pwned",
            Timeout = TimeSpan.FromSeconds(10),
        };
        var request = EchoOnceAsync(server);

        var stdout = await LocalBash.RunAsync(SsmProbeScripts.Build(spec));
        var outcome = SsmOutputParsers.Parse(spec, stdout, DateTimeOffset.UtcNow, 0);
        var seen = await request.WaitAsync(TimeSpan.FromSeconds(30));

        seen.Method.Should().Be("POST");
        seen.Url.Should().Be($"/probe?q=$(touch${{IFS}}{_marker})&r='x'");
        seen.Header.Should().Be(header);
        seen.QuotedHeader.Should().Be("1");
        seen.Body.Should().Be(body);
        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Http!.StatusCode.Should().Be(200);
        File.Exists(_marker).Should().BeFalse();
    }

    [Fact]
    public async Task The_script_also_runs_when_the_agent_starts_it_with_sh()
    {
        var script = SsmProbeScripts.Build(new ProbeSpec { Type = ProbeType.Port, Target = "127.0.0.1", Port = MotoFixturePort(), Timeout = TimeSpan.FromSeconds(5) });
        var file = Path.Combine(Path.GetTempPath(), $"bac-ssm-{Guid.NewGuid():n}.sh");
        await File.WriteAllTextAsync(file, script.Text);
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("sh") { ArgumentList = { file }, RedirectStandardOutput = true, UseShellExecute = false };
            using var process = System.Diagnostics.Process.Start(start)!;
            var stdout = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();

            stdout.Should().Contain("BAC exit=").And.Contain("BAC elapsed_ms=", "the bash guard re-ran it with bash");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static int MotoFixturePort() => BlazorAwsConsole.Tests.Fixtures.MotoFixture.FreePort();

    private static async Task<string> ReceiveAsync(TcpListener listener, int length, string reply)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read));
            if (n == 0) break;
            read += n;
        }
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        // Answers with the (hostile) expected text, so the script's expect check runs on it too.
        await stream.WriteAsync(Encoding.UTF8.GetBytes(reply));
        await Task.Delay(200);
        return text;
    }

    private sealed record SeenRequest(string Method, string Url, string? Header, string? QuotedHeader, string Body);

    /// <summary>A raw HTTP/1.1 server for one request: it records exactly what came and echoes the body back.</summary>
    private static async Task<SeenRequest> EchoOnceAsync(TcpListener server)
    {
        using var client = await server.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOf(buffer, "\r\n\r\n"u8.ToArray())) < 0)
        {
            var n = await stream.ReadAsync(chunk);
            if (n == 0) throw new IOException("the client closed before the end of the request head");
            buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        }
        var head = Encoding.UTF8.GetString(buffer.GetRange(0, headEnd).ToArray()).Split("\r\n");
        var headers = head.Skip(1).Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        var length = int.Parse(headers.GetValueOrDefault("Content-Length", "0"));
        while (buffer.Count < headEnd + 4 + length)
        {
            var n = await stream.ReadAsync(chunk);
            if (n == 0) break;
            buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        }
        var body = buffer.GetRange(headEnd + 4, length).ToArray();
        var requestLine = head[0].Split(' ');
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        await stream.WriteAsync(body);
        return new SeenRequest(requestLine[0], requestLine[1], headers.GetValueOrDefault("X-Hostile"), headers.GetValueOrDefault("X-Quote'd"), Encoding.UTF8.GetString(body));
    }

    private static int IndexOf(List<byte> buffer, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= buffer.Count; i++)
        {
            if (needle.Select((b, j) => buffer[i + j] == b).All(x => x)) return i;
        }
        return -1;
    }

    private static string? Field(ProbeSpec spec)
    {
        try
        {
            SsmProbeScripts.Build(spec);
            return null;
        }
        catch (SsmSpecException e)
        {
            return e.Field;
        }
    }
}
