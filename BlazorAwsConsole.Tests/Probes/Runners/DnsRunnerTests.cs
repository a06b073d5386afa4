using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes.Runners;

/// <summary>A real dnsmasq on loopback, started for this class on a free port with its own zone.</summary>
public sealed class DnsmasqFixture : IAsyncLifetime
{
    public DnsmasqServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await DnsmasqServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class DnsRunnerTests(DnsmasqFixture fixture) : IClassFixture<DnsmasqFixture>
{
    private readonly DnsRunner _runner = new(TimeProvider.System);
    private DnsmasqServer Dns => fixture.Server;

    private Task<ProbeOutcome> Run(string name, string type = "A", string[]? expected = null, string rcode = "NOERROR", string protocol = "udp", string? resolver = null, double seconds = 5) =>
        _runner.RunAsync(new ProbeSpec
        {
            Type = ProbeType.Dns, Target = name, DnsRecordType = type, DnsExpectedAnswers = expected ?? [], DnsExpectedRcode = rcode,
            DnsProtocol = protocol, DnsResolver = resolver ?? Dns.Resolver, Timeout = TimeSpan.FromSeconds(seconds),
        }, default);

    [Fact]
    public async Task An_expected_address_passes_with_the_answer_its_ttl_the_query_time_and_the_resolver()
    {
        var outcome = await Run("name.zone.test", expected: ["192.0.2.7"]);

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Reason.Should().StartWith($"A 192.0.2.7 from {Dns.Resolver} in ");
        outcome.Dns!.Rcode.Should().Be("NOERROR");
        var answer = outcome.Dns.Answers.Should().ContainSingle().Subject;
        (answer.Type, answer.Value).Should().Be(("A", "192.0.2.7"));
        // The zone's TTL is 600 s; dnsmasq counts it down when it answers from its cache (599 seen once in a full run).
        answer.Ttl.Should().BeInRange(590, 600);
        outcome.Dns.ResolverUsed.Should().Be(Dns.Resolver);
        outcome.Dns.QueryMs.Should().BeGreaterThan(0);
        outcome.ResponseTimeMs.Should().Be(outcome.Dns.QueryMs);
    }

    [Fact]
    public async Task A_wrong_answer_fails_naming_what_is_missing_and_what_came()
    {
        var outcome = await Run("name.zone.test", expected: ["192.0.2.8"]);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("answer lacks 192.0.2.8 (got 192.0.2.7)");
        outcome.Dns!.Answers.Should().ContainSingle().Which.Value.Should().Be("192.0.2.7");
    }

    [Fact]
    public async Task Several_expected_answers_match_in_any_order_and_addresses_compare_as_addresses()
    {
        (await Run("multi.zone.test", expected: ["192.0.2.2", "192.0.2.1"])).Success.Should().BeTrue();
        var v6 = await Run("multi.zone.test", "AAAA", expected: ["2001:0db8:0:0::1"]);
        v6.Success.Should().BeTrue(v6.Reason);
        v6.Dns!.Answers.Single().Value.Should().Be("2001:db8::1");

        var partly = await Run("multi.zone.test", expected: ["192.0.2.1", "192.0.2.9"]);
        // dnsmasq rotates the order of a name's addresses.
        partly.Reason.Should().BeOneOf("answer lacks 192.0.2.9 (got 192.0.2.1, 192.0.2.2)", "answer lacks 192.0.2.9 (got 192.0.2.2, 192.0.2.1)");
    }

    [Fact]
    public async Task NXDOMAIN_fails_when_NOERROR_is_expected_and_passes_when_it_is_the_expectation()
    {
        var unexpected = await Run("nope.zone.test");
        unexpected.Success.Should().BeFalse();
        unexpected.Reason.Should().Be("NXDOMAIN, expected NOERROR");
        unexpected.Dns!.Rcode.Should().Be("NXDOMAIN");
        unexpected.Dns.Answers.Should().BeEmpty();

        var expected = await Run("nope.zone.test", rcode: "NXDOMAIN");
        expected.Success.Should().BeTrue(expected.Reason);

        var exists = await Run("name.zone.test", rcode: "NXDOMAIN");
        exists.Reason.Should().Be("NOERROR, expected NXDOMAIN");
    }

    [Fact]
    public async Task A_name_outside_the_servers_zone_is_refused()
    {
        var outcome = await Run("example.org");

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("REFUSED, expected NOERROR");
    }

    [Fact]
    public async Task A_resolver_that_never_answers_times_out_naming_it()
    {
        var outcome = await Run("name.zone.test", resolver: Dns.SilentResolver, seconds: 2);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"no answer from {Dns.SilentResolver} within 2 s");
        outcome.Dns!.Rcode.Should().BeNull();
        outcome.Dns.ResolverUsed.Should().Be(Dns.SilentResolver);
        outcome.ResponseTimeMs.Should().BeNull();
    }

    [Fact]
    public async Task Tcp_asks_over_tcp()
    {
        var outcome = await Run("name.zone.test", expected: ["192.0.2.7"], protocol: "tcp");

        outcome.Success.Should().BeTrue(outcome.Reason);
    }

    [Fact]
    public async Task Every_record_type_is_written_as_dig_writes_it()
    {
        (await Run("www.zone.test", "CNAME")).Dns!.Answers.Should().ContainSingle(a => a.Type == "CNAME" && a.Value == "name.zone.test");
        (await Run("zone.test", "MX", ["10 mail.zone.test."])).Dns!.Answers.Single().Value.Should().Be("10 mail.zone.test");
        (await Run("zone.test", "TXT", ["\"v=spf1 -all\""])).Dns!.Answers.Single().Value.Should().Be("v=spf1 -all");
        (await Run("_sip._tcp.zone.test", "SRV", ["10 20 5060 sip.zone.test"])).Success.Should().BeTrue();
        (await Run("zone.test", "CAA", ["0 issue \"letsencrypt.org\""])).Success.Should().BeTrue();
        var soa = await Run("zone.test", "SOA");
        soa.Success.Should().BeTrue(soa.Reason);
        soa.Dns!.Answers.Single().Value.Should().StartWith("ns.zone.test hostmaster.ns.zone.test ");
        var ptr = await Run("192.0.2.7", "PTR", ["name.zone.test"]);
        ptr.Success.Should().BeTrue(ptr.Reason);
        ptr.Reason.Should().StartWith("PTR name.zone.test from ");
    }

    [Fact]
    public async Task With_nothing_expected_a_name_without_records_of_the_type_fails()
    {
        var outcome = await Run("name.zone.test", "AAAA");

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("NOERROR but no AAAA record for name.zone.test");
    }
}
