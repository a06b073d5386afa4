using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>One console (tests not run on schedule), a dnsmasq with its zone and an openssl s_server whose certificate expires in 5 days.</summary>
public sealed class DnsTlsConsole : IAsyncLifetime
{
    public MotoFixture Moto { get; } = new();
    public ConsoleHost Console { get; private set; } = null!;
    public DnsmasqServer Dns { get; private set; } = null!;
    public OpensslServer Tls { get; private set; } = null!;
    public X509Certificate2 Certificate { get; } = TestCertificates.Server("localhost", ["localhost", "127.0.0.1"], TimeSpan.FromDays(5));

    public async Task InitializeAsync()
    {
        await Moto.InitializeAsync();
        Dns = await DnsmasqServer.StartAsync();
        Tls = await OpensslServer.StartAsync(Certificate);
        Console = await ConsoleHost.StartAsync(Moto, "Probes:RunOnSchedule=false");
    }

    public async Task DisposeAsync()
    {
        await Console.DisposeAsync();
        await Tls.DisposeAsync();
        await Dns.DisposeAsync();
        await Moto.DisposeAsync();
    }
}

/// <summary>DNS and TLS tests through the API: their fields, their checks on save, a run and its stored details, roles, the OpenAPI document.</summary>
public sealed class DnsTlsApiTests(DnsTlsConsole fixture) : IClassFixture<DnsTlsConsole>
{
    private readonly ConsoleHost _console = fixture.Console;

    private async Task<JsonElement> CreateAsync(object test)
    {
        var response = await _console.Http.PostAsJsonAsync("/api/synthetic/tests", test);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    private async Task<JsonElement> RunAsync(int id)
    {
        var response = await _console.Http.PostAsync($"/api/synthetic/tests/{id}/run", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_dns_test_has_its_fields_and_a_run_stores_the_answer()
    {
        var created = await CreateAsync(new
        {
            name = "zone answers", type = "dns", target = "multi.zone.test", recordType = "a", resolver = fixture.Dns.Resolver, protocol = "TCP",
            expectedAnswers = new[] { "192.0.2.2", "192.0.2.1" }, timeoutSeconds = 5,
        });
        var id = created.GetProperty("id").GetInt32();
        created.GetProperty("type").GetString().Should().Be("dns");
        created.GetProperty("recordType").GetString().Should().Be("A");
        created.GetProperty("resolver").GetString().Should().Be(fixture.Dns.Resolver);
        created.GetProperty("protocol").GetString().Should().Be("tcp");
        created.GetProperty("expectedAnswers").EnumerateArray().Select(a => a.GetString()).Should().Equal("192.0.2.2", "192.0.2.1");
        created.GetProperty("expectedRcode").GetString().Should().Be("NOERROR");
        created.TryGetProperty("port", out _).Should().BeFalse();
        created.TryGetProperty("method", out _).Should().BeFalse("only the parameters of the test's type are shown");

        var result = await RunAsync(id);
        result.GetProperty("type").GetString().Should().Be("dns");
        result.GetProperty("success").GetBoolean().Should().BeTrue(result.GetProperty("reason").GetString());
        result.GetProperty("rcode").GetString().Should().Be("NOERROR");
        result.GetProperty("resolverUsed").GetString().Should().Be(fixture.Dns.Resolver);
        result.GetProperty("queryMs").GetDouble().Should().BePositive();
        var answers = result.GetProperty("answers").EnumerateArray().ToList();
        answers.Select(a => (a.GetProperty("type").GetString(), a.GetProperty("value").GetString()))
            .Should().BeEquivalentTo([("A", "192.0.2.1"), ("A", "192.0.2.2")]);
        // The zone's TTL is 600 s; dnsmasq answers from its own cache, whose count-down can have passed a second.
        answers.Select(a => a.GetProperty("ttl").GetInt32()).Should().AllSatisfy(ttl => ttl.Should().BeInRange(595, 600));

        var edit = await _console.Http.PutAsJsonAsync($"/api/synthetic/tests/{id}", new { target = "nope.zone.test", expectedAnswers = Array.Empty<string>() });
        edit.StatusCode.Should().Be(HttpStatusCode.OK);
        var nx = await RunAsync(id);
        nx.GetProperty("success").GetBoolean().Should().BeFalse();
        nx.GetProperty("reason").GetString().Should().Be("NXDOMAIN, expected NOERROR");

        var stored = await _console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?testId={id}");
        stored.GetProperty("items")[0].GetProperty("rcode").GetString().Should().Be("NXDOMAIN");
        stored.GetProperty("items")[1].GetProperty("answers").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task A_tls_test_defaults_to_port_443_and_a_run_fails_on_a_certificate_expiring_in_5_days()
    {
        var defaults = await CreateAsync(new { name = "tls defaults", type = "tls", target = "example.invalid", enabled = false });
        defaults.GetProperty("port").GetInt32().Should().Be(443);
        defaults.GetProperty("verifyChain").GetBoolean().Should().BeTrue();
        defaults.GetProperty("certExpiryWarningDays").GetInt32().Should().Be(14);
        defaults.GetProperty("serverName").GetString().Should().BeEmpty();
        defaults.GetProperty("minTlsVersion").GetString().Should().BeEmpty();

        var test = await CreateAsync(new { name = "expiring", type = "tls", target = "127.0.0.1", port = fixture.Tls.Port, serverName = "localhost", verifyChain = false, minTlsVersion = "1.2" });
        var result = await RunAsync(test.GetProperty("id").GetInt32());

        var notAfter = fixture.Certificate.NotAfter.ToUniversalTime();
        result.GetProperty("success").GetBoolean().Should().BeFalse();
        result.GetProperty("reason").GetString().Should().Be($"certificate expires in 5 days, {notAfter:yyyy-MM-dd}");
        result.GetProperty("subject").GetString().Should().Be("CN=localhost");
        result.GetProperty("issuer").GetString().Should().Be("CN=localhost");
        result.GetProperty("daysLeft").GetInt32().Should().Be(5);
        result.GetProperty("notAfter").GetDateTimeOffset().Should().BeCloseTo(new DateTimeOffset(notAfter), TimeSpan.FromSeconds(1));
        result.GetProperty("notBefore").GetDateTimeOffset().Should().BeBefore(DateTimeOffset.UtcNow);
        result.GetProperty("tlsVersion").GetString().Should().Be("TLSv1.3");
        result.GetProperty("cipherSuite").GetString().Should().NotBeNullOrEmpty();
        result.GetProperty("chainValid").GetBoolean().Should().BeFalse();
        result.GetProperty("hostnameMatches").GetBoolean().Should().BeTrue();
        result.GetProperty("sans").EnumerateArray().Select(s => s.GetString()).Should().Equal("localhost", "127.0.0.1");
        result.GetProperty("tlsMs").GetDouble().Should().BePositive();
    }

    [Fact]
    public async Task Bad_dns_and_tls_fields_are_refused_each_on_its_own_name()
    {
        var dns = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new
        {
            name = "bad dns", type = "dns", target = "bad name!", recordType = "ANY", resolver = "dns.google", protocol = "quic", expectedRcode = "MAYBE",
        }));
        dns.GetProperty("recordType").ToString().Should().Contain("A, AAAA, CNAME, MX, TXT, NS, SOA, SRV, CAA, PTR");
        dns.GetProperty("resolver").ToString().Should().Contain("not a resolver address");
        dns.GetProperty("protocol").ToString().Should().Contain("udp or tcp");
        dns.GetProperty("expectedRcode").ToString().Should().Contain("NXDOMAIN");

        var name = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new { name = "n", type = "dns", target = "bad name!", resolver = "127.0.0.1:70000" }));
        name.GetProperty("target").ToString().Should().Contain("not a name to query");
        name.GetProperty("resolver").ToString().Should().Contain("between 1 and 65535");
        var answers = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new { name = "x", type = "dns", target = "a.test", expectedRcode = "NXDOMAIN", expectedAnswers = new[] { "192.0.2.1" } }));
        answers.GetProperty("expectedAnswers").ToString().Should().Contain("NXDOMAIN response has no answer");

        var tls = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new
        {
            name = "bad tls", type = "tls", target = "example.com", port = 0, serverName = "10.0.0.1", minTlsVersion = "1.4", certExpiryWarningDays = 400,
        }));
        tls.GetProperty("port").ToString().Should().Contain("65535");
        tls.GetProperty("serverName").ToString().Should().Contain("SNI");
        tls.GetProperty("minTlsVersion").ToString().Should().Contain("1.0, 1.1, 1.2, 1.3");
        tls.GetProperty("certExpiryWarningDays").ToString().Should().Contain("365");

        var metadata = await ProblemOf(await _console.Http.PostAsJsonAsync("/api/synthetic/tests", new { name = "m", type = "tls", target = "169.254.169.254" }));
        metadata.GetProperty("target").ToString().Should().Contain("LinkLocalAllowList");
    }

    [Fact]
    public async Task Viewers_read_dns_and_tls_tests_but_only_operators_make_or_run_them()
    {
        var viewer = await _console.ClientAsync(ConsoleRoles.Viewer);
        (await viewer.PostAsJsonAsync("/api/synthetic/tests", new { name = "v", type = "dns", target = "name.zone.test" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var id = (await CreateAsync(new { name = "readable", type = "tls", target = "127.0.0.1", port = fixture.Tls.Port, enabled = false })).GetProperty("id").GetInt32();
        (await viewer.GetFromJsonAsync<JsonElement>($"/api/synthetic/tests/{id}")).GetProperty("type").GetString().Should().Be("tls");
        (await viewer.PostAsync($"/api/synthetic/tests/{id}/run", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_dns_and_tls_fields()
    {
        var document = await _console.Http.GetStringAsync("/openapi/v1.json");

        foreach (var field in new[] { "recordType", "resolver", "expectedAnswers", "expectedRcode", "serverName", "verifyChain", "minTlsVersion",
                     "rcode", "answers", "queryMs", "resolverUsed", "subject", "issuer", "notBefore", "notAfter", "daysLeft", "tlsVersion", "cipherSuite", "chainValid", "hostnameMatches", "sans" })
        {
            document.Should().Contain($"\"{field}\"", field);
        }
    }
}
