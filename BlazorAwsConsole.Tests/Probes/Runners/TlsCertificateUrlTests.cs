using System.Security.Cryptography.X509Certificates;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes.Runners;

/// <summary>
/// TLS servers (openssl s_server) whose leaf certificate names URLs in its Authority Information
/// Access extension — where to fetch its issuer (CA issuers) and where to ask about revocation
/// (OCSP) — on a loopback target that counts requests, and which do not send the intermediate CA
/// that issued the leaf. Whoever builds such a chain with certificate downloads on fetches the
/// issuer from the URL: a certificate's author would make the console send a GET wherever it names
/// (169.254.169.254 included), past the guard that refuses such targets.
/// </summary>
public sealed class CertificateUrlServerFixture : IAsyncLifetime
{
    /// <summary>One server per test, each with its own intermediate and URLs: .NET remembers a download
    /// for a while in the process, so a shared URL would hide a second test's fetch.</summary>
    public static readonly string[] Names = ["tls", "https", "port"];

    private readonly Dictionary<string, OpensslServer> _servers = [];

    public HitCountingTarget Urls { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Urls = await HitCountingTarget.StartAsync();
        var root = TestCertificates.RootCa();
        foreach (var name in Names)
        {
            var intermediate = TestCertificates.IntermediateCa(root);
            var leaf = TestCertificates.Server("localhost", ["localhost", "127.0.0.1"], TimeSpan.FromDays(90), intermediate,
                caIssuersUrl: Urls.Url($"{name}-ca-issuers"), ocspUrl: Urls.Url($"{name}-ocsp"));
            _servers[name] = await OpensslServer.StartAsync(leaf);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers.Values) await server.DisposeAsync();
        if (Urls is not null) await Urls.DisposeAsync();
    }

    public int Port(string name) => _servers[name].Port;

    /// <summary>Every request the URLs in <paramref name="name"/>'s certificate received.</summary>
    public IReadOnlyList<DateTimeOffset> Hits(string name) => [.. Urls.HitsOf($"{name}-ca-issuers"), .. Urls.HitsOf($"{name}-ocsp")];
}

public sealed class TlsCertificateUrlTests(CertificateUrlServerFixture fixture) : IClassFixture<CertificateUrlServerFixture>
{
    private const string Incomplete = "chain incomplete: the server did not send its intermediate certificate";

    [Fact]
    public async Task A_TLS_check_fetches_no_URL_the_certificate_names_and_says_the_intermediate_is_missing()
    {
        var runner = new TlsRunner(TimeProvider.System);
        ProbeSpec Spec(bool verifyChain) => new()
        {
            Type = ProbeType.Tls, Target = "localhost", Port = fixture.Port("tls"), TlsVerifyChain = verifyChain, Timeout = TimeSpan.FromSeconds(10),
        };

        var verified = await runner.RunAsync(Spec(verifyChain: true), default);
        var reported = await runner.RunAsync(Spec(verifyChain: false), default);

        fixture.Hits("tls").Should().BeEmpty("no chain build may fetch a URL named in a certificate");
        verified.Success.Should().BeFalse();
        verified.Reason.Should().Be($"certificate chain not trusted: {Incomplete} (subject CN=localhost, issuer CN=BAC Test Intermediate CA, O=BlazorAwsConsole tests)");
        reported.Success.Should().BeTrue(reported.Reason);
        reported.Tls!.ChainValid.Should().BeFalse();
        reported.Tls.ChainError.Should().Be(Incomplete);
    }

    [Fact]
    public async Task An_HTTPS_check_fetches_no_URL_the_certificate_names_and_says_the_intermediate_is_missing()
    {
        var runner = new HttpRunner(TimeProvider.System);
        ProbeSpec Spec(bool verifyTls) => new()
        {
            Type = ProbeType.Http, Target = $"https://127.0.0.1:{fixture.Port("https")}/", VerifyTls = verifyTls,
            CertificateExpiryWarningDays = 0, Timeout = TimeSpan.FromSeconds(10),
        };

        var verified = await runner.RunAsync(Spec(verifyTls: true), default);
        var unverified = await runner.RunAsync(Spec(verifyTls: false), default);

        fixture.Hits("https").Should().BeEmpty("no chain build may fetch a URL named in a certificate");
        verified.Success.Should().BeFalse();
        verified.Reason.Should().Be($"TLS certificate not trusted: {Incomplete} (turn TLS verification off to accept it)");
        unverified.Success.Should().BeTrue(unverified.Reason);
    }

    [Fact]
    public async Task A_port_check_over_TLS_fetches_no_URL_the_certificate_names()
    {
        var outcome = await new PortRunner(TimeProvider.System).RunAsync(new ProbeSpec
        {
            Type = ProbeType.Port, Target = "127.0.0.1", Port = fixture.Port("port"), UseTls = true, Timeout = TimeSpan.FromSeconds(10),
        }, default);

        fixture.Hits("port").Should().BeEmpty("no chain build may fetch a URL named in a certificate");
        outcome.Success.Should().BeTrue(outcome.Reason);
    }
}
