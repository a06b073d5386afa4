using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Probes.Runners;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>
/// The dns and tls scripts as SSM would run them, with this machine's bash, dig, host and openssl,
/// against a real dnsmasq and openssl s_server on loopback; hostile values are refused naming their
/// field, and text that never enters a script (expected answers) stays out of it.
/// </summary>
public sealed class DnsTlsScriptTests(DnsmasqFixture dns) : IClassFixture<DnsmasqFixture>, IDisposable
{
    private readonly string _marker = Path.Combine(Path.GetTempPath(), $"bac-pwned-{Guid.NewGuid():n}");

    public void Dispose() => File.Delete(_marker);

    private ProbeSpec Dns(string name = "name.zone.test", string type = "A", string[]? expected = null) => new()
    {
        Type = ProbeType.Dns, Target = name, DnsRecordType = type, DnsResolver = dns.Server.Resolver, DnsExpectedAnswers = expected ?? [],
        Timeout = TimeSpan.FromSeconds(3),
    };

    private static async Task<ProbeOutcome> RunAsync(ProbeSpec spec, string? path = null)
    {
        var script = SsmProbeScripts.Build(spec).Text;
        // A PATH without dig makes the script fall back to host, as on an instance that lacks dig.
        if (path is not null) script = script.Replace("# --- fixed logic", $"export PATH={ShellQuoting.Quote(path)}\n# --- fixed logic", StringComparison.Ordinal);
        return SsmOutputParsers.Parse(spec, await LocalBash.RunAsync(script), DateTimeOffset.UtcNow, 0);
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

    [Theory]
    [InlineData("name.zone.test; touch /tmp/x")]
    [InlineData("$(id)")]
    [InlineData("`id`")]
    [InlineData("-q")]
    [InlineData("+tcp")]
    [InlineData("@127.0.0.1")]
    [InlineData("name\nzone")]
    [InlineData("name'zone")]
    [InlineData("")]
    public void Hostile_dns_names_tls_hosts_and_server_names_are_refused_naming_the_field(string value)
    {
        Field(Dns(value)).Should().Be("Target");
        Field(new ProbeSpec { Type = ProbeType.Tls, Target = value }).Should().Be("Target");
        if (value.Length > 0) Field(new ProbeSpec { Type = ProbeType.Tls, Target = "localhost", TlsServerName = value }).Should().Be("TlsServerName");
    }

    [Fact]
    public void Other_hostile_dns_and_tls_settings_are_refused_naming_the_field()
    {
        Field(Dns() with { DnsRecordType = "A; id" }).Should().Be("DnsRecordType");
        Field(Dns() with { DnsRecordType = "ANY" }).Should().Be("DnsRecordType");
        Field(Dns() with { DnsResolver = "127.0.0.1 -p 1" }).Should().Be("DnsResolver");
        Field(Dns() with { DnsResolver = "$(id)" }).Should().Be("DnsResolver");
        Field(Dns() with { DnsResolver = "dns.google" }).Should().Be("DnsResolver");
        Field(Dns() with { DnsProtocol = "tcp;id" }).Should().Be("DnsProtocol");
        Field(new ProbeSpec { Type = ProbeType.Tls, Target = "localhost", Port = 0 }).Should().Be("Port");
        Field(new ProbeSpec { Type = ProbeType.Tls, Target = "localhost", TlsServerName = "10.0.0.1" }).Should().Be("TlsServerName");
        Field(new ProbeSpec { Type = ProbeType.Tls, Target = "169.254.169.254" }).Should().Be("Target");
        Field(new ProbeSpec { Type = ProbeType.Tls, Target = "fe80::1" }).Should().Be("Target");
    }

    [Fact]
    public async Task Hostile_expected_answers_never_enter_the_script_and_are_compared_as_data()
    {
        var hostile = new[] { $"$(touch {_marker})", $"`touch {_marker}`", $"'; touch {_marker}; '", $"x\ntouch {_marker}" };
        var spec = Dns(expected: hostile) with { DnsExpectedRcode = $"NOERROR; touch {_marker}" };

        SsmProbeScripts.Build(spec).Text.Should().NotContain(_marker);
        var outcome = await RunAsync(spec);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"NOERROR, expected NOERROR; TOUCH {_marker.ToUpperInvariant()}");
        var answers = await RunAsync(Dns(expected: hostile));
        answers.Reason.Should().StartWith($"answer lacks $(touch {_marker})");
        File.Exists(_marker).Should().BeFalse();
    }

    [Fact]
    public async Task The_dns_script_asks_dnsmasq_with_dig_over_udp_and_tcp()
    {
        var udp = await RunAsync(Dns(expected: ["192.0.2.7"]));
        udp.Success.Should().BeTrue(udp.Reason);
        udp.Dns!.ResolverUsed.Should().Be(dns.Server.Resolver);

        var tcp = await RunAsync(Dns("zone.test", "MX", ["10 mail.zone.test"]) with { DnsProtocol = "tcp" });
        tcp.Success.Should().BeTrue(tcp.Reason);

        (await RunAsync(Dns("nope.zone.test"))).Reason.Should().Be("NXDOMAIN, expected NOERROR");
        (await RunAsync(Dns("192.0.2.7", "PTR", ["name.zone.test"]))).Success.Should().BeTrue();
        var silent = await RunAsync(Dns() with { DnsResolver = dns.Server.SilentResolver, Timeout = TimeSpan.FromSeconds(1) });
        silent.Reason.Should().Be($"no answer from {dns.Server.SilentResolver} within 1 s");
    }

    [Fact]
    public async Task Without_dig_the_dns_script_uses_host_and_without_either_says_so()
    {
        var bin = Directory.CreateTempSubdirectory("bac-nodig-").FullName;
        try
        {
            foreach (var tool in new[] { "timeout", "host", "date", "mktemp", "rm" })
                File.CreateSymbolicLink(Path.Combine(bin, tool), Path.Combine("/usr/bin", tool));

            var outcome = await RunAsync(Dns("multi.zone.test", expected: ["192.0.2.1", "192.0.2.2"]), bin);
            outcome.Success.Should().BeTrue(outcome.Reason);
            outcome.Dns!.ResolverUsed.Should().Be(dns.Server.Resolver);
            (await RunAsync(Dns("nope.zone.test"), bin)).Reason.Should().Be("NXDOMAIN, expected NOERROR");

            File.Delete(Path.Combine(bin, "host"));
            (await RunAsync(Dns(), bin)).Reason.Should().StartWith("neither dig nor host is installed on the instance");
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Fact]
    public async Task The_tls_script_reads_the_certificate_from_openssl_s_server()
    {
        var certificate = TestCertificates.Server("localhost", ["localhost", "127.0.0.1"], TimeSpan.FromDays(5));
        await using var server = await OpensslServer.StartAsync(certificate);
        var spec = new ProbeSpec { Type = ProbeType.Tls, Target = "127.0.0.1", Port = server.Port, TlsServerName = "localhost", TlsVerifyChain = false, Timeout = TimeSpan.FromSeconds(5) };

        var outcome = await RunAsync(spec);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"certificate expires in 5 days, {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");
        outcome.Tls!.Subject.Should().Be("CN=localhost");
        outcome.Tls.HostnameMatches.Should().BeTrue();
        outcome.Tls.ChainValid.Should().BeFalse();
        outcome.Tls.Sans.Should().Equal("localhost", "127.0.0.1");
        outcome.Tls.TlsVersion.Should().Be("TLSv1.3");

        var other = await RunAsync(spec with { TlsServerName = "other.test" });
        other.Reason.Should().StartWith("certificate does not name other.test");
        (await RunAsync(spec with { Port = MotoFixture.FreePort() })).Reason.Should().StartWith("connection refused by 127.0.0.1:");
    }
}
