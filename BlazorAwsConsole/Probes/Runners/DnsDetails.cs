namespace BlazorAwsConsole.Probes.Runners;

/// <summary>What a DNS test's query got back.</summary>
public sealed record DnsDetails
{
    /// <summary>The response code by its standard name: NOERROR, NXDOMAIN, SERVFAIL, REFUSED…; null when no response came.</summary>
    public string? Rcode { get; init; }
    /// <summary>The answer section in the order the server gave it.</summary>
    public List<DnsAnswer> Answers { get; init; } = [];
    /// <summary>From sending the query to its response; null without a response.</summary>
    public double? QueryMs { get; init; }
    /// <summary>The resolver asked, as <c>ip:port</c> (<c>[v6]:port</c>).</summary>
    public string? ResolverUsed { get; init; }
}

/// <summary>One record of an answer. <see cref="Value"/> is written as dig writes its data (MX: "10 mail.example.com"), names without the final dot.</summary>
public sealed record DnsAnswer
{
    public required string Type { get; init; }
    public required string Value { get; init; }
    public int Ttl { get; init; }
}
