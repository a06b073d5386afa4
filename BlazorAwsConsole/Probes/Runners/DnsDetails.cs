using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>What a DNS test's query got back.</summary>
public sealed record DnsDetails
{
    /// <summary>Records stored per run; the rest are counted in a last entry (a resolver may answer with hundreds).</summary>
    public const int MaxAnswers = 50;
    /// <summary>Characters stored per value (one TXT record can hold 64 KB).</summary>
    public const int MaxChars = 512;

    /// <summary>The response code by its standard name: NOERROR, NXDOMAIN, SERVFAIL, REFUSED…; null when no response came.</summary>
    public string? Rcode { get; init; }
    /// <summary>The answer section in the order the server gave it.</summary>
    public List<DnsAnswer> Answers { get; init; } = [];
    /// <summary>From sending the query to its response; null without a response.</summary>
    public double? QueryMs { get; init; }
    /// <summary>The resolver asked, as <c>ip:port</c> (<c>[v6]:port</c>).</summary>
    public string? ResolverUsed { get; init; }

    /// <summary>
    /// These details as a run stores them: at most <see cref="MaxAnswers"/> records, then one whose value
    /// is "(truncated: 200 more)", and no text longer than <see cref="MaxChars"/>. The verdict is reached
    /// on the whole answer first; only what is kept is bounded, whoever produced it (runner or SSM parser).
    /// </summary>
    public DnsDetails Capped() => this with
    {
        Rcode = Truncation.Text(Rcode, MaxChars),
        ResolverUsed = Truncation.Text(ResolverUsed, MaxChars),
        Answers = Truncation.List(Answers, MaxAnswers, more => new DnsAnswer { Type = "…", Value = more })
            .Select(a => a with { Type = Truncation.Text(a.Type, MaxChars), Value = Truncation.Text(a.Value, MaxChars) })
            .ToList(),
    };
}

/// <summary>One record of an answer. <see cref="Value"/> is written as dig writes its data (MX: "10 mail.example.com"), names without the final dot.</summary>
public sealed record DnsAnswer
{
    public required string Type { get; init; }
    public required string Value { get; init; }
    public int Ttl { get; init; }
}
