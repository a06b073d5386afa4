using System.Net;
using System.Net.Http.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Infrastructure;

/// <summary>
/// Console:TrustedProxies on a real console: the address a trusted proxy forwards is the one the access log and the rate
/// limits see (only the hop the proxy saw, not what the client put before it); from a peer not trusted, or with nothing
/// trusted (the default), X-Forwarded-For changes nothing; a bad entry stops the start with a message naming it.
/// </summary>
public sealed class TrustedProxiesTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static async Task<string?> AuditedAddressAsync(ConsoleHost console, string forwardedFor)
    {
        var name = $"office {Guid.NewGuid():n}"[..20];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/probe-locations") { Content = JsonContent.Create(new { name }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        (await console.Http.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.Created);
        var entries = await console.Get<AuditLog>().SearchAsync(new AuditFilter(Action: "probe-location.add"), 0, 50, CancellationToken.None);
        return entries.Items.Single(e => e.Target == name).Address;
    }

    private static async Task<HttpStatusCode> VisitAsync(ConsoleHost console, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status/no-such-page/api");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await console.Anonymous.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Nothing_is_trusted_by_default_so_a_client_cannot_choose_its_address()
    {
        await using var console = await ConsoleHost.StartAsync(moto, "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=2");

        (await AuditedAddressAsync(console, "203.0.113.7")).Should().Be("127.0.0.1");
        (await VisitAsync(console, "203.0.113.7")).Should().Be(HttpStatusCode.NotFound);
        (await VisitAsync(console, "203.0.113.8")).Should().Be(HttpStatusCode.NotFound);
        (await VisitAsync(console, "203.0.113.9")).Should().Be(HttpStatusCode.TooManyRequests, "every visit is 127.0.0.1's, whatever the header says");
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_access_log_and_the_rate_limits_see_the_address_the_proxy_forwarded()
    {
        await using var console = await ConsoleHost.StartAsync(moto, "Probes:RunOnSchedule=false", "StatusPages:RequestsPerMinute=2",
            $"{BlazorAwsConsole.Infrastructure.TrustedProxies.Key}=10.9.9.9, 127.0.0.0/8");

        (await AuditedAddressAsync(console, "203.0.113.7")).Should().Be("203.0.113.7");
        // nginx appends the address it saw ($proxy_add_x_forwarded_for): what the client wrote before it is not believed.
        (await AuditedAddressAsync(console, "198.51.100.1, 203.0.113.7")).Should().Be("203.0.113.7");

        (await VisitAsync(console, "203.0.113.7")).Should().Be(HttpStatusCode.NotFound);
        (await VisitAsync(console, "203.0.113.7")).Should().Be(HttpStatusCode.NotFound);
        (await VisitAsync(console, "203.0.113.7")).Should().Be(HttpStatusCode.TooManyRequests, "203.0.113.7 used its 2 a minute");
        (await VisitAsync(console, "198.51.100.1")).Should().Be(HttpStatusCode.NotFound, "another visitor has its own limit");
    }

    [Fact]
    public async Task Forwarded_headers_from_a_peer_that_is_not_a_trusted_proxy_are_ignored()
    {
        await using var console = await ConsoleHost.StartAsync(moto, "Probes:RunOnSchedule=false", $"{BlazorAwsConsole.Infrastructure.TrustedProxies.Key}=10.0.0.0/8");

        (await AuditedAddressAsync(console, "203.0.113.7")).Should().Be("127.0.0.1");
    }

    [Fact]
    public async Task A_trusted_proxy_that_is_not_an_address_stops_the_start_with_a_message_naming_it()
    {
        var refused = await FluentActions.Awaiting(() => ConsoleHost.StartAsync(moto, $"{BlazorAwsConsole.Infrastructure.TrustedProxies.Key}=10.0.0.1, nginx"))
            .Should().ThrowAsync<InvalidOperationException>();
        refused.Which.Message.Should().Contain("Console:TrustedProxies").And.Contain("'nginx'");
    }
}
