using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>
/// What a run with a hostile-sized answer stores, whichever runner made it (the console's, or an SSM
/// script's output parsed): the result as the engine stores it, its details as the JSON column holds them.
/// </summary>
public static partial class StoredCaps
{
    public static ProbeResult Stored(ProbeOutcome outcome, ProbeType type) => ProbeResult.From(1, type, outcome, ProbeResult.ConsoleSource, null);

    /// <summary>many.zone.test's 250 A records: the verdict saw them all, the stored result keeps 50 and says how many more came.</summary>
    public static void ManyAnswersAreCapped(ProbeOutcome outcome)
    {
        outcome.Success.Should().BeTrue(outcome.Reason);
        var stored = Stored(outcome, ProbeType.Dns).Dns!;
        stored.Answers.Should().HaveCount(51);
        stored.Answers.Take(50).Should().OnlyContain(a => a.Type == "A" && a.Value.StartsWith("198.51.100.", StringComparison.Ordinal));
        stored.Answers[^1].Value.Should().Be($"(truncated: {DnsmasqServer.ManyRecords - 50} more)");
        JsonSerializer.Serialize(stored).Length.Should().BeLessThan(51 * 100, "50 short records and the marker");
    }

    /// <summary>long.zone.test's 63,750-character TXT record: stored as its first characters and the count of the rest, 512 in all.</summary>
    public static void LongTxtIsCapped(ProbeOutcome outcome)
    {
        var total = DnsmasqServer.LongTxtStrings * 255;
        outcome.Success.Should().BeTrue(outcome.Reason);
        var stored = Stored(outcome, ProbeType.Dns);
        var value = stored.Dns!.Answers.Should().ContainSingle().Subject.Value;
        value.Length.Should().BeLessThanOrEqualTo(512);
        var match = CutText().Match(value);
        match.Success.Should().BeTrue($"'{value}' ends with the marker");
        (match.Groups["kept"].Length + int.Parse(match.Groups["more"].Value.Replace(",", ""))).Should().Be(total, "kept and cut add up to the record");
        JsonSerializer.Serialize(stored.Dns).Length.Should().BeLessThan(1024);
        stored.Reason.Length.Should().BeLessThanOrEqualTo(500);
    }

    /// <summary>A certificate of <paramref name="names"/> SANs (300) and a 1,500-character organisation: 100 names kept, fields of at most 512.</summary>
    public static void SansAndFieldsAreCapped(ProbeOutcome outcome, IReadOnlyList<string> names)
    {
        var stored = Stored(outcome, ProbeType.Tls).Tls!;
        stored.Sans.Should().HaveCount(101);
        stored.Sans.Take(100).Should().Equal(names.Take(100));
        stored.Sans[^1].Should().Be($"(truncated: {names.Count - 100} more)");
        foreach (var field in new[] { stored.Subject!, stored.Issuer! })
        {
            field.Length.Should().BeLessThanOrEqualTo(512);
            field.Should().StartWith("CN=localhost").And.MatchRegex(@"… \(truncated: [0-9,]+ more\)$");
        }
        JsonSerializer.Serialize(stored).Length.Should().BeLessThan(8 * 1024);
    }

    /// <summary>A self-signed certificate for localhost and 299 more names (300 SANs), with a 1,500-character organisation in its subject.</summary>
    public static (X509Certificate2 Certificate, List<string> Names) ManyNames()
    {
        List<string> names = ["localhost", .. Enumerable.Range(1, 299).Select(i => $"name-{i}.example.test")];
        return (TestCertificates.Server("localhost, O=" + new string('o', 1500), names, TimeSpan.FromDays(90)), names);
    }

    [GeneratedRegex(@"^(?<kept>x*)… \(truncated: (?<more>[0-9,]+) more\)$")]
    private static partial Regex CutText();
}
