using System.Net;
using System.Net.Sockets;
using System.Text;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Tests.Probes.Runners;

/// <summary>
/// The HTTP probe reads its own HTTP/1.1 answers. A loopback server here writes answers byte for byte,
/// framed each way RFC 9112 allows (and some it does not), which Kestrel and nginx would not send on
/// demand.
/// </summary>
public sealed class HttpResponseFramingTests
{
    [Fact]
    public async Task A_chunked_body_with_an_extension_and_a_trailer_is_read_whole()
    {
        var (outcome, _) = await ProbeAsync(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n" +
            "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n",
            spec => spec with { BodyContains = "hello world" });

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Http!.StatusCode.Should().Be(200);
        outcome.Http.ResponseBytes.Should().Be(11);
    }

    [Fact]
    public async Task A_body_without_a_length_is_read_until_the_server_closes()
    {
        var (outcome, _) = await ProbeAsync("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", spec => spec with { BodyContains = "the end" });

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Http!.ResponseBytes.Should().Be(13);
    }

    [Fact]
    public async Task An_interim_100_continue_is_skipped_for_the_answer_after_it()
    {
        var (outcome, _) = await ProbeAsync("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", spec => spec with { ExpectedStatus = "201" });

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Http!.StatusCode.Should().Be(201);
        outcome.Http.ResponseBytes.Should().Be(2);
    }

    [Fact]
    public async Task A_server_that_does_not_speak_http_fails_with_what_it_sent()
    {
        var (outcome, _) = await ProbeAsync("SSH-2.0-OpenSSH_9.2\r\n\r\n");

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Contain("sent a malformed HTTP response").And.Contain("SSH-2.0-OpenSSH_9.2");
    }

    [Fact]
    public async Task A_body_cut_short_of_its_content_length_fails()
    {
        var (outcome, _) = await ProbeAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Contain("3 of 10");
    }

    [Fact]
    public async Task The_request_is_one_http_1_1_request_that_asks_to_close_and_keeps_the_tests_own_headers_but_not_its_framing()
    {
        var (outcome, request) = await ProbeAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", spec => spec with
        {
            HttpMethod = "POST",
            Body = "{\"a\":1}",
            Headers = new Dictionary<string, string> { ["X-Team"] = "noc", ["Connection"] = "keep-alive", ["Content-Length"] = "999" },
        });

        outcome.Success.Should().BeTrue(outcome.Reason);
        var lines = request.Split("\r\n");
        lines[0].Should().Be("POST /check?x=1 HTTP/1.1");
        lines.Should().Contain(l => l.StartsWith("Host: 127.0.0.1:"));
        lines.Should().Contain("X-Team: noc").And.Contain("Connection: close").And.Contain("Content-Length: 7");
        lines.Should().NotContain("Connection: keep-alive").And.NotContain("Content-Length: 999");
        request.Should().EndWith("\r\n\r\n{\"a\":1}");
    }

    /// <summary>Runs one probe against a server that reads the request, writes <paramref name="answer"/> and closes.</summary>
    private static async Task<(ProbeOutcome Outcome, string Request)> ProbeAsync(string answer, Func<ProbeSpec, ProbeSpec>? with = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var serving = ServeOnceAsync(listener, answer);
            var spec = new ProbeSpec { Type = ProbeType.Http, Target = $"http://127.0.0.1:{port}/check?x=1", Timeout = TimeSpan.FromSeconds(10) };
            var outcome = await new HttpRunner(TimeProvider.System).RunAsync(with?.Invoke(spec) ?? spec, default);
            return (outcome, await serving);
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task<string> ServeOnceAsync(TcpListener listener, string answer)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[4096];
        // The head, then as many body bytes as its Content-Length says.
        while (true)
        {
            var text = request.ToString();
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd >= 0)
            {
                var length = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length: ", StringComparison.Ordinal)) is { } header
                    ? int.Parse(header["Content-Length: ".Length..]) : 0;
                if (text.Length - headEnd - 4 >= length) break;
            }
            var read = await stream.ReadAsync(buffer);
            if (read == 0) break;
            request.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
        client.Client.Shutdown(SocketShutdown.Send);
        return request.ToString();
    }
}
