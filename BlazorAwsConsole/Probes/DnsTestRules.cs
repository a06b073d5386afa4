using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes;

/// <summary>The DNS fields of <see cref="SyntheticTestValidator"/>: each wrong one gets its message under its JSON name.</summary>
internal static class DnsTestRules
{
    public const int MaxExpectedAnswers = 20;

    public static void Apply(SyntheticTestDto input, SyntheticTest test, SyntheticTest candidate, string? target, Action<string, string> error)
    {
        candidate.DnsRecordType = (input.RecordType ?? test.DnsRecordType).Trim().ToUpperInvariant();
        candidate.DnsResolver = input.Resolver is null ? test.DnsResolver : input.Resolver.Trim() is { Length: > 0 } resolver ? resolver : null;
        candidate.DnsProtocol = (input.Protocol ?? test.DnsProtocol).Trim().ToLowerInvariant();
        candidate.DnsExpectedAnswers = input.ExpectedAnswers is null ? [.. test.DnsExpectedAnswers] : input.ExpectedAnswers.Select(a => (a ?? "").Trim()).ToList();
        candidate.DnsExpectedRcode = (input.ExpectedRcode is { Length: > 0 } rcode ? rcode : input.ExpectedRcode is null ? test.DnsExpectedRcode : "NOERROR").Trim().ToUpperInvariant();

        var typeKnown = DnsQuery.RecordTypes.Contains(candidate.DnsRecordType);
        if (!typeKnown) error("recordType", $"Record type must be one of {string.Join(", ", DnsQuery.RecordTypes)}.");
        if (!string.IsNullOrWhiteSpace(target) && target.Length <= 2048 && typeKnown && !DnsQuery.IsQueryName(target, candidate.DnsRecordType))
            error("target", candidate.DnsRecordType == "PTR"
                ? $"'{target}' is not a name to query or an IP address (for PTR)."
                : $"'{target}' is not a name to query: labels of letters, digits, '-' and '_', at most 253 characters (a URL belongs in an HTTP test).");
        if (candidate.DnsResolver is { } text && DnsQuery.ParseResolver(text, out var resolverError) is null) error("resolver", resolverError!);
        if (!DnsQuery.Protocols.Contains(candidate.DnsProtocol)) error("protocol", "Protocol must be udp or tcp.");
        if (!DnsQuery.Rcodes.Contains(candidate.DnsExpectedRcode)) error("expectedRcode", $"Expected response code must be one of {string.Join(", ", DnsQuery.Rcodes)}.");
        if (candidate.DnsExpectedAnswers.Count > MaxExpectedAnswers) error("expectedAnswers", $"At most {MaxExpectedAnswers} expected answers.");
        else if (candidate.DnsExpectedAnswers.Any(a => a.Length == 0)) error("expectedAnswers", "An expected answer must not be empty.");
        else if (candidate.DnsExpectedAnswers.FirstOrDefault(a => a.Length > 512 || a.Any(char.IsControl)) is { } bad)
            error("expectedAnswers", $"Expected answer '{(bad.Length > 40 ? bad[..40] + "…" : bad)}' must be one line of at most 512 characters.");
        else if (candidate.DnsExpectedAnswers.Count > 0 && candidate.DnsExpectedRcode != "NOERROR")
            error("expectedAnswers", $"A {candidate.DnsExpectedRcode} response has no answer to check: leave the expected answers empty.");
    }
}
