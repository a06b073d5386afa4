using System.Globalization;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>The CAPTURED time in a capture's header, for checks that depend on "now" (certificate expiry).</summary>
public static class CapturedAt
{
    public static DateTimeOffset Of(string name)
    {
        var header = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Probes", "Ssm", "Captured", name)).First();
        return DateTimeOffset.Parse(header.Split(' ')[2], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    public static ProbeOutcome Parse(string name, ProbeSpec spec) => SsmOutputParsers.Parse(spec, Captured.Stdout(name), Of(name), elapsedMs: 99_999);
}

/// <summary>DNS outputs captured from the real dig and host against dnsmasq (Captured/dns-*.txt, made by dns-tls-captures.sh).</summary>
public class DnsOutputParserTests
{
    private static ProbeSpec Spec(string name, string type = "A", string[]? expected = null, string rcode = "NOERROR", string? resolver = "127.0.0.1:18053", int seconds = 3) =>
        new() { Type = ProbeType.Dns, Target = name, DnsRecordType = type, DnsExpectedAnswers = expected ?? [], DnsExpectedRcode = rcode, DnsResolver = resolver, Timeout = TimeSpan.FromSeconds(seconds) };

    [Fact]
    public void Dig_answers_are_read_with_their_ttl_query_time_and_server()
    {
        var outcome = Captured.Parse("dns-dig-a-two-answers.txt", Spec("multi.zone.test", expected: ["192.0.2.2", "192.0.2.1"]));

        outcome.Success.Should().BeTrue(outcome.Reason);
        outcome.Reason.Should().Be("A 192.0.2.1, 192.0.2.2 from 127.0.0.1:18053 in 0 ms");
        outcome.Dns.Should().BeEquivalentTo(new DnsDetails
        {
            Rcode = "NOERROR", QueryMs = 0, ResolverUsed = "127.0.0.1:18053",
            Answers = [new() { Type = "A", Value = "192.0.2.1", Ttl = 600 }, new() { Type = "A", Value = "192.0.2.2", Ttl = 600 }],
        });
        outcome.DurationMs.Should().Be(249.989);
    }

    [Fact]
    public void A_wrong_answer_names_what_is_missing_and_what_came()
    {
        var outcome = Captured.Parse("dns-dig-a-two-answers.txt", Spec("multi.zone.test", expected: ["192.0.2.7"]));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("answer lacks 192.0.2.7 (got 192.0.2.1, 192.0.2.2)");
    }

    [Fact]
    public void NXDOMAIN_and_REFUSED_are_response_codes()
    {
        Captured.Parse("dns-dig-nxdomain.txt", Spec("nope.zone.test")).Reason.Should().Be("NXDOMAIN, expected NOERROR");
        Captured.Parse("dns-dig-nxdomain.txt", Spec("nope.zone.test", rcode: "NXDOMAIN")).Success.Should().BeTrue();
        Captured.Parse("dns-dig-refused.txt", Spec("example.org")).Reason.Should().Be("REFUSED, expected NOERROR");
        Captured.Parse("dns-dig-nodata-aaaa.txt", Spec("name.zone.test", "AAAA")).Reason.Should().Be("NOERROR but no AAAA record for name.zone.test");
    }

    [Fact]
    public void A_resolver_that_never_answers_is_a_timeout_naming_it()
    {
        var outcome = Captured.Parse("dns-dig-timeout.txt", Spec("name.zone.test", resolver: "127.0.0.1:18054", seconds: 2));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("no answer from 127.0.0.1:18054 within 2 s");
        outcome.Dns!.Rcode.Should().BeNull();
        outcome.ResponseTimeMs.Should().BeNull();
    }

    [Fact]
    public void Every_record_type_is_written_as_the_console_runner_writes_it()
    {
        Captured.Parse("dns-dig-mx-tcp.txt", Spec("zone.test", "MX", ["10 mail.zone.test"])).Dns!.Answers.Single().Value.Should().Be("10 mail.zone.test");
        Captured.Parse("dns-dig-txt.txt", Spec("zone.test", "TXT", ["v=spf1 -all"])).Dns!.Answers.Single().Value.Should().Be("v=spf1 -all");
        Captured.Parse("dns-dig-srv.txt", Spec("_sip._tcp.zone.test", "SRV")).Dns!.Answers.Single().Value.Should().Be("10 20 5060 sip.zone.test");
        Captured.Parse("dns-dig-caa.txt", Spec("zone.test", "CAA")).Dns!.Answers.Single().Value.Should().Be("0 issue \"letsencrypt.org\"");
        Captured.Parse("dns-dig-soa.txt", Spec("zone.test", "SOA")).Dns!.Answers.Single().Value.Should().StartWith("ns.zone.test hostmaster.ns.zone.test ");
        Captured.Parse("dns-dig-ptr.txt", Spec("192.0.2.7", "PTR", ["name.zone.test"])).Success.Should().BeTrue();
        var cname = Captured.Parse("dns-dig-cname.txt", Spec("www.zone.test", expected: ["192.0.2.7"]));
        cname.Success.Should().BeTrue(cname.Reason);
        cname.Dns!.Answers.Select(a => (a.Type, a.Value)).Should().Equal(("CNAME", "name.zone.test"), ("A", "192.0.2.7"));
    }

    [Fact]
    public void The_system_resolver_is_named_from_digs_server_line()
    {
        var outcome = Captured.Parse("dns-dig-system-resolver.txt", Spec("localhost", resolver: null));

        outcome.Dns!.ResolverUsed.Should().Be("10.255.255.53:53");
        outcome.Reason.Should().Be("NXDOMAIN, expected NOERROR");
    }

    [Fact]
    public void Host_is_read_alike_when_dig_is_absent()
    {
        var ok = Captured.Parse("dns-host-a-two-answers.txt", Spec("multi.zone.test", expected: ["192.0.2.1", "192.0.2.2"]));
        ok.Success.Should().BeTrue(ok.Reason);
        ok.Dns!.QueryMs.Should().Be(20);
        ok.Dns.ResolverUsed.Should().Be("127.0.0.1:18053");
        ok.Dns.Answers.Select(a => a.Value).Should().Equal("192.0.2.2", "192.0.2.1");

        Captured.Parse("dns-host-nxdomain.txt", Spec("nope.zone.test")).Reason.Should().Be("NXDOMAIN, expected NOERROR");
        Captured.Parse("dns-host-timeout.txt", Spec("name.zone.test", resolver: "127.0.0.1:18054", seconds: 2)).Reason.Should().Be("no answer from 127.0.0.1:18054 within 2 s");
        Captured.Parse("dns-host-txt-tcp.txt", Spec("zone.test", "TXT", ["v=spf1 -all"])).Success.Should().BeTrue();
    }

    [Fact]
    public void Neither_dig_nor_host_is_said_so()
    {
        var outcome = Captured.Parse("dns-neither-dig-nor-host.txt", Spec("name.zone.test"));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("neither dig nor host is installed on the instance (install bind-utils on Amazon Linux, dnsutils or bind9-host on Ubuntu)");
    }
}
