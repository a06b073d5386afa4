using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.Probes.Runners;
using BlazorAwsConsole.Tests.Probes.Ssm;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>
/// What a run stores when the answer is hostile-sized — a real dnsmasq answering 250 records or a 64 KB
/// TXT record, a real openssl s_server with a certificate of 300 names, a redirect to a 4 KB URL — from
/// the console's runners and from the SSM scripts run with this machine's dig and openssl: the result as
/// the engine stores it, its details as their JSON column holds them. The verdict still sees everything.
/// </summary>
public sealed partial class StoredCapsTests(DnsmasqFixture dns, LoopbackTargetsFixture targets)
    : IClassFixture<DnsmasqFixture>, IClassFixture<LoopbackTargetsFixture>
{
    private ProbeSpec Dns(string name, string type = "A", string[]? expected = null) => new()
    {
        Type = ProbeType.Dns, Target = name, DnsRecordType = type, DnsExpectedAnswers = expected ?? [], DnsResolver = dns.Server.Resolver,
        Timeout = TimeSpan.FromSeconds(5),
    };

    private static ProbeSpec Tls(int port) => new()
    {
        Type = ProbeType.Tls, Target = "127.0.0.1", Port = port, TlsServerName = "localhost", TlsVerifyChain = false, Timeout = TimeSpan.FromSeconds(10),
    };

    // The expected address may be any of the 250 (dnsmasq rotates them): the verdict sees the whole answer.
    private ProbeSpec ManyRecords => Dns("many.zone.test", expected: [$"198.51.100.{DnsmasqServer.ManyRecords}"]);

    [Fact]
    public async Task The_console_s_DNS_runner_stores_50_of_250_records_and_512_characters_of_a_64_KB_TXT_record()
    {
        var runner = new DnsRunner(TimeProvider.System);

        ManyAnswersAreCapped(await runner.RunAsync(ManyRecords, default));
        LongTxtIsCapped(await runner.RunAsync(Dns("long.zone.test", "TXT"), default));
    }

    [Fact]
    public async Task The_SSM_dns_script_s_answers_are_stored_capped_alike()
    {
        ManyAnswersAreCapped(await RunScriptAsync(ManyRecords));
        LongTxtIsCapped(await RunScriptAsync(Dns("long.zone.test", "TXT")));
    }

    [Fact]
    public async Task The_console_s_TLS_runner_stores_100_of_300_names_and_fields_of_at_most_512_characters()
    {
        var (certificate, names) = ManyNames();
        await using var server = await OpensslServer.StartAsync(certificate);

        SansAndFieldsAreCapped(await new TlsRunner(TimeProvider.System).RunAsync(Tls(server.Port), default), names);
    }

    [Fact]
    public async Task The_SSM_tls_script_s_certificate_is_stored_capped_alike()
    {
        var (certificate, names) = ManyNames();
        await using var server = await OpensslServer.StartAsync(certificate);

        SansAndFieldsAreCapped(await RunScriptAsync(Tls(server.Port)), names);
    }

    [Fact]
    public async Task A_redirect_to_a_4_KB_URL_stores_the_final_URL_in_2048_characters()
    {
        var longUrl = targets.Targets.HttpUrl("/text?body=" + new string('u', 4000));
        var outcome = await new HttpRunner(TimeProvider.System).RunAsync(new ProbeSpec
        {
            Type = ProbeType.Http, Target = targets.Targets.HttpUrl("/redirect-to?url=" + Uri.EscapeDataString(longUrl)), Timeout = TimeSpan.FromSeconds(10),
        }, default);

        outcome.Success.Should().BeTrue(outcome.Reason);
        var stored = Stored(outcome, ProbeType.Http).Http!.FinalUrl!;
        stored.Length.Should().BeLessThanOrEqualTo(2048);
        stored.Should().StartWith(longUrl[..1000]).And.MatchRegex(@"u… \(truncated: [0-9,]+ more\)$");
    }

    private static async Task<ProbeOutcome> RunScriptAsync(ProbeSpec spec) =>
        SsmOutputParsers.Parse(spec, await LocalBash.RunAsync(SsmProbeScripts.Build(spec).Text), DateTimeOffset.UtcNow, 0);

    private static ProbeResult Stored(ProbeOutcome outcome, ProbeType type) => ProbeResult.From(1, type, outcome, ProbeResult.ConsoleSource, null);

    /// <summary>many.zone.test's 250 A records: the verdict saw them all, the stored result keeps 50 and says how many more came.</summary>
    private static void ManyAnswersAreCapped(ProbeOutcome outcome)
    {
        outcome.Success.Should().BeTrue(outcome.Reason);
        var stored = Stored(outcome, ProbeType.Dns).Dns!;
        stored.Answers.Should().HaveCount(51);
        stored.Answers.Take(50).Should().OnlyContain(a => a.Type == "A" && a.Value.StartsWith("198.51.100.", StringComparison.Ordinal));
        stored.Answers[^1].Value.Should().Be($"(truncated: {DnsmasqServer.ManyRecords - 50} more)");
        JsonSerializer.Serialize(stored).Length.Should().BeLessThan(51 * 100, "50 short records and the marker");
    }

    /// <summary>long.zone.test's 63,750-character TXT record: stored as its first characters and the count of the rest, 512 in all.</summary>
    private static void LongTxtIsCapped(ProbeOutcome outcome)
    {
        outcome.Success.Should().BeTrue(outcome.Reason);
        var stored = Stored(outcome, ProbeType.Dns);
        var value = stored.Dns!.Answers.Should().ContainSingle().Subject.Value;
        value.Length.Should().BeLessThanOrEqualTo(512);
        var match = CutText().Match(value);
        match.Success.Should().BeTrue($"'{value}' ends with the marker");
        (match.Groups["kept"].Length + int.Parse(match.Groups["more"].Value.Replace(",", ""))).Should().Be(DnsmasqServer.LongTxtStrings * 255,
            "kept and cut add up to the record");
        JsonSerializer.Serialize(stored.Dns).Length.Should().BeLessThan(1024);
        stored.Reason.Length.Should().BeLessThanOrEqualTo(ProbeResult.MaxReasonChars);
    }

    /// <summary>A self-signed certificate for localhost and 299 more names (300 SANs), with a 1,500-character organisation in its subject.</summary>
    private static (X509Certificate2 Certificate, List<string> Names) ManyNames()
    {
        List<string> names = ["localhost", .. Enumerable.Range(1, 299).Select(i => $"name-{i}.example.test")];
        return (TestCertificates.Server("localhost, O=" + new string('o', 1500), names, TimeSpan.FromDays(90)), names);
    }

    /// <summary>100 names kept in the certificate's order, then the marker; subject and issuer cut to 512 characters.</summary>
    private static void SansAndFieldsAreCapped(ProbeOutcome outcome, IReadOnlyList<string> names)
    {
        outcome.Success.Should().BeTrue(outcome.Reason);
        var stored = Stored(outcome, ProbeType.Tls).Tls!;
        stored.Sans.Should().HaveCount(101);
        stored.Sans.Take(100).Should().Equal(names.Take(100));
        stored.Sans[^1].Should().Be($"(truncated: {names.Count - 100} more)");
        foreach (var field in new[] { stored.Subject!, stored.Issuer! })
        {
            field.Length.Should().BeLessThanOrEqualTo(512);
            field.Should().StartWith("CN=localhost").And.MatchRegex(@"o… \(truncated: [0-9,]+ more\)$");
        }
        JsonSerializer.Serialize(stored).Length.Should().BeLessThan(8 * 1024);
    }

    [GeneratedRegex(@"^(?<kept>x*)… \(truncated: (?<more>[0-9,]+) more\)$")]
    private static partial Regex CutText();
}
