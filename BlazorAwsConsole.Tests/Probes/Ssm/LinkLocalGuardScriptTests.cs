using System.Text.Json;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Json;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>
/// An Operator must not read an instance's role credentials through a test run there: the generated
/// scripts run with this machine's bash inside a namespace that holds a fake metadata service on
/// 169.254.169.254 and fd00:ec2::254 (<see cref="MetadataNamespace"/>). A redirect or a name that leads
/// there is refused before anything connects (the fake counts every connection), with a reason saying
/// why and no body; ordinary redirects are still followed, and an allow-listed address is reached —
/// which also shows the fake would have counted a connection the guard let through.
/// </summary>
public sealed class LinkLocalGuardScriptTests(MetadataNamespaceFixture fixture) : IClassFixture<MetadataNamespaceFixture>
{
    private readonly MetadataNamespace _net = fixture.Net;

    private async Task<(ProbeOutcome Outcome, string Stdout)> RunAsync(ProbeSpec spec)
    {
        var stdout = await LocalBash.RunInNamespaceAsync(_net.Name, SsmProbeScripts.Build(spec));
        return (SsmOutputParsers.Parse(spec, stdout, DateTimeOffset.UtcNow, 0), stdout);
    }

    /// <summary>An HTTP test that wants the body: what would leak the key into a Viewer's reason.</summary>
    private static ProbeSpec Http(string url) => new()
    {
        Type = ProbeType.Http, Target = url, Timeout = TimeSpan.FromSeconds(5),
        JsonAssertions = [new JsonAssertion { Path = "$.SecretAccessKey", Op = "==", Value = JsonSerializer.SerializeToElement(0) }],
    };

    [Theory]
    [InlineData("/to-imds", "169.254.169.254, the instance metadata service")]
    [InlineData("/to-imds-name", "imds.bac.test → 169.254.169.254, the instance metadata service")]
    [InlineData("/to-imds6", "fd00:ec2::254, the instance metadata service")]
    public async Task A_redirect_to_the_metadata_service_is_refused_and_nothing_reaches_it(string path, string where)
    {
        var before = _net.MetadataConnections;

        var (outcome, stdout) = await RunAsync(Http(_net.WebUrl(path)));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"redirect to a link-local address refused ({where}; redirect 1)");
        stdout.Should().NotContain("body_b64", "no body is kept from a refused run").And.NotContain(MetadataNamespace.Secret);
        _net.MetadataConnections.Should().Be(before, "nothing may connect to the metadata service");
    }

    [Theory]
    [InlineData("http://imds.bac.test/latest/meta-data/", "imds.bac.test → 169.254.169.254, the instance metadata service")]
    [InlineData("http://imds6.bac.test/latest/meta-data/", "imds6.bac.test → fd00:ec2::254, the instance metadata service")]
    [InlineData("http://mapped.bac.test/latest/meta-data/", "mapped.bac.test → ::ffff:169.254.169.254, the instance metadata service")]
    // Every address counts, not only the first one a client would try.
    [InlineData("http://mixed.bac.test:8080/final", "mixed.bac.test → 169.254.169.254, the instance metadata service")]
    public async Task A_target_name_that_resolves_to_a_link_local_address_on_the_instance_is_refused(string url, string where)
    {
        var before = _net.MetadataConnections;

        var (outcome, stdout) = await RunAsync(Http(url));

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"target resolves to a link-local address: refused ({where})");
        stdout.Should().NotContain("body_b64");
        _net.MetadataConnections.Should().Be(before);
    }

    [Fact]
    public async Task Port_tls_ping_and_traceroute_to_a_link_local_address_are_refused_before_the_tool_runs()
    {
        var before = _net.MetadataConnections;
        // A reply is expected, so a port check that did connect would pass.
        var port = await RunAsync(new ProbeSpec { Type = ProbeType.Port, Target = "imds.bac.test", Port = 80, SendText = "GET / HTTP/1.0\r\n\r\n", ExpectText = "HTTP/1.1", Timeout = TimeSpan.FromSeconds(5) });
        var tls = await RunAsync(new ProbeSpec { Type = ProbeType.Tls, Target = "imds6.bac.test", Port = 80, Timeout = TimeSpan.FromSeconds(5) });
        var ping = await RunAsync(new ProbeSpec { Type = ProbeType.Ping, Target = "169.254.169.254", PingCount = 1, Timeout = TimeSpan.FromSeconds(3) });
        var trace = await RunAsync(new ProbeSpec { Type = ProbeType.Traceroute, Target = "imds.bac.test", MaxHops = 3, ProbesPerHop = 1, HopTimeoutMs = 500, Timeout = TimeSpan.FromSeconds(5) });
        // EC2's time service address is refused too: a name for it by the script on the instance (the
        // console cannot see what a name resolves to there), the literal already by the console.
        var time = await RunAsync(new ProbeSpec { Type = ProbeType.Port, Target = "time6.bac.test", Port = 123, Timeout = TimeSpan.FromSeconds(3) });
        FluentActions.Invoking(() => SsmProbeScripts.Build(new ProbeSpec { Type = ProbeType.Port, Target = "fd00:ec2::123", Port = 123, Timeout = TimeSpan.FromSeconds(3) }))
            .Should().Throw<SsmSpecException>().WithMessage("*fd00:ec2::123 is link-local (the EC2 time service)*");

        port.Outcome.Reason.Should().Be("target resolves to a link-local address: refused (imds.bac.test → 169.254.169.254, the instance metadata service)");
        tls.Outcome.Reason.Should().Be("target resolves to a link-local address: refused (imds6.bac.test → fd00:ec2::254, the instance metadata service)");
        ping.Outcome.Reason.Should().Be("target resolves to a link-local address: refused (169.254.169.254, the instance metadata service)");
        trace.Outcome.Reason.Should().Be("target resolves to a link-local address: refused (imds.bac.test → 169.254.169.254, the instance metadata service)");
        time.Outcome.Reason.Should().Be("target resolves to a link-local address: refused (time6.bac.test → fd00:ec2::123, the Amazon Time Sync Service)");
        foreach (var run in new[] { port, tls, ping, trace, time })
        {
            run.Outcome.Success.Should().BeFalse();
            new SsmOutput(run.Stdout).ToolLines.Should().BeEmpty("the tool never ran");
        }
        _net.MetadataConnections.Should().Be(before);
    }

    [Fact]
    public async Task Redirects_to_ordinary_targets_are_still_followed_hop_by_hop()
    {
        var relative = (await RunAsync(Http(_net.WebUrl("/a/b/relative")) with { JsonAssertions = [], BodyContains = "arrived" })).Outcome;
        var byName = (await RunAsync(Http(_net.WebUrl("/to-own")) with { JsonAssertions = [], BodyContains = "arrived" })).Outcome;
        // Pinned to one checked address at a time, the script still moves on from one that refuses, as curl would.
        var dual = (await RunAsync(Http($"http://dual.bac.test:{_net.WebPort}/final") with { JsonAssertions = [] })).Outcome;
        var chain = (await RunAsync(Http(_net.WebUrl("/chain/3")) with { JsonAssertions = [] })).Outcome;
        var tooMany = (await RunAsync(Http(_net.WebUrl("/chain/3")) with { JsonAssertions = [], MaxRedirects = 2 })).Outcome;
        var notFollowed = (await RunAsync(Http(_net.WebUrl("/to-imds")) with { JsonAssertions = [], FollowRedirects = false, ExpectedStatus = "302" })).Outcome;
        var ftp = (await RunAsync(Http(_net.WebUrl("/ftp")) with { JsonAssertions = [] })).Outcome;

        relative.Success.Should().BeTrue(relative.Reason);
        relative.Http!.Redirects.Should().Be(1);
        relative.Http.FinalUrl.Should().Be(_net.WebUrl("/a/final?via=relative"));
        relative.Http.StatusCode.Should().Be(200);
        relative.Http.TotalMs.Should().BeGreaterThan(0);
        byName.Success.Should().BeTrue(byName.Reason);
        byName.Http!.FinalUrl.Should().Be($"http://own.bac.test:{_net.WebPort}/a/final?via=name");
        dual.Success.Should().BeTrue(dual.Reason);
        chain.Success.Should().BeTrue(chain.Reason);
        chain.Http!.Redirects.Should().Be(3);
        chain.Http.FinalUrl.Should().Be(_net.WebUrl("/final"));
        tooMany.Success.Should().BeFalse();
        tooMany.Reason.Should().StartWith("more than 2 redirects");
        notFollowed.Success.Should().BeTrue(notFollowed.Reason);
        notFollowed.Http!.StatusCode.Should().Be(302);
        notFollowed.Http.Redirects.Should().Be(0);
        ftp.Success.Should().BeFalse();
        ftp.Reason.Should().StartWith("curl error 1: ").And.Contain("ftp");
    }

    [Fact]
    public async Task An_allow_listed_link_local_address_is_reached_so_the_fake_would_count_a_leak()
    {
        var before = _net.MetadataConnections;
        var allowed = Http(_net.WebUrl("/to-imds")) with { LinkLocalAllowList = ["169.254.0.0/16"] };

        var (outcome, _) = await RunAsync(allowed);
        var port = (await RunAsync(new ProbeSpec
        {
            Type = ProbeType.Port, Target = "imds6.bac.test", Port = 80, LinkLocalAllowList = ["fd00:ec2::254"], Timeout = TimeSpan.FromSeconds(5),
        })).Outcome;

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Contain(MetadataNamespace.Secret, "the allow-list lets the test read the fake metadata service");
        port.Success.Should().BeTrue(port.Reason);
        await Poll.UntilAsync(() => _net.MetadataConnections >= before + 2, TimeSpan.FromSeconds(10),
            () => $"the fake metadata service saw {_net.MetadataConnections - before} connections, expected 2");
    }
}
