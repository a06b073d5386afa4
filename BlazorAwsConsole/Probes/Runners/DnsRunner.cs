using System.Diagnostics;
using System.Globalization;
using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// DNS test: one query (no retry, no cache) for the target's records of one type, over UDP or TCP,
/// to the given resolver or the system's first one (/etc/resolv.conf), with DnsClient. Passes when
/// the response code is the expected one and, for NOERROR, every expected value is in the answer
/// (or, with none expected, there is at least one record of the type).
/// </summary>
public sealed class DnsRunner(TimeProvider time) : IProbeRunner
{
    public ProbeType Type => ProbeType.Dns;

    public async Task<ProbeOutcome> RunAsync(ProbeSpec spec, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var start = Stopwatch.GetTimestamp();
        DnsDetails? details = null;
        ProbeOutcome Done(string? failure, string? success = null) => new()
        {
            Success = failure is null,
            Reason = failure ?? success!,
            StartedAt = startedAt,
            DurationMs = TcpDialer.Ms(start, Stopwatch.GetTimestamp()),
            ResponseTimeMs = details?.QueryMs,
            Dns = details,
        };

        var recordType = spec.DnsRecordType.Trim().ToUpperInvariant();
        if (!DnsQuery.RecordTypes.Contains(recordType)) return Done($"record type '{spec.DnsRecordType}' is not one of {string.Join(", ", DnsQuery.RecordTypes)}");
        if (!Enum.TryParse<QueryType>(recordType, out var queryType)) return Done($"record type {recordType} is not supported");
        IPEndPoint resolver;
        if (!string.IsNullOrWhiteSpace(spec.DnsResolver))
        {
            if (DnsQuery.ParseResolver(spec.DnsResolver, out var error) is not { } parsed) return Done(error);
            resolver = parsed;
        }
        else if (SystemResolver() is { } system)
        {
            resolver = system;
        }
        else
        {
            return Done("no system resolver is configured (/etc/resolv.conf names none); give the test a resolver");
        }
        details = new DnsDetails { ResolverUsed = DnsQuery.Format(resolver) };
        var name = DnsQuery.QuestionName(spec.Target, recordType);
        var seconds = spec.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

        var client = new LookupClient(new LookupClientOptions(new NameServer(resolver))
        {
            UseTcpOnly = string.Equals(spec.DnsProtocol, "tcp", StringComparison.OrdinalIgnoreCase),
            // A truncated UDP answer is retried over TCP, as dig and resolvers do.
            UseTcpFallback = true,
            Timeout = spec.Timeout,
            Retries = 0,
            UseCache = false,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
            Recursion = true,
        });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.Timeout);
        var sent = Stopwatch.GetTimestamp();
        IDnsQueryResponse response;
        try
        {
            response = await client.QueryAsync(name, queryType, QueryClass.IN, timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTimeout(ex, timeout.IsCancellationRequested))
        {
            return Done($"no answer from {details.ResolverUsed} within {seconds} s");
        }
        catch (DnsResponseException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Done($"query to {details.ResolverUsed} failed: {(ex.InnerException ?? ex).Message}");
        }
        details = details with
        {
            QueryMs = TcpDialer.Ms(sent, Stopwatch.GetTimestamp()),
            Rcode = DnsQuery.RcodeName((int)response.Header.ResponseCode),
            Answers = response.Answers.Select(Answer).ToList(),
        };
        var failure = DnsQuery.Failure(spec, details);
        return Done(failure, failure is null ? DnsQuery.Success(spec, details) : null);
    }

    private static bool IsTimeout(Exception ex, bool deadlinePassed) =>
        ex is OperationCanceledException && deadlinePassed
        || ex is DnsResponseException { Code: DnsResponseCode.ConnectionTimeout }
        || ex is DnsResponseException { InnerException: OperationCanceledException or TimeoutException } && deadlinePassed;

    /// <summary>The first resolver the system names; IPv6 site-local ones are skipped, and no public resolver stands in.</summary>
    private static IPEndPoint? SystemResolver()
    {
        var servers = NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false);
        return servers.Count == 0 ? null : new IPEndPoint(IPAddress.Parse(servers.First().Address), servers.First().Port);
    }

    /// <summary>A record's data as dig prints it, names without their final dot.</summary>
    internal static DnsAnswer Answer(DnsResourceRecord record) => new()
    {
        Type = record.RecordType.ToString(),
        Ttl = record.TimeToLive,
        Value = record switch
        {
            ARecord a => a.Address.ToString(),
            AaaaRecord aaaa => aaaa.Address.ToString(),
            CNameRecord cname => Name(cname.CanonicalName),
            MxRecord mx => $"{mx.Preference} {Name(mx.Exchange)}",
            TxtRecord txt => string.Concat(txt.Text),
            NsRecord ns => Name(ns.NSDName),
            SoaRecord soa => $"{Name(soa.MName)} {Name(soa.RName)} {soa.Serial} {soa.Refresh} {soa.Retry} {soa.Expire} {soa.Minimum}",
            SrvRecord srv => $"{srv.Priority} {srv.Weight} {srv.Port} {Name(srv.Target)}",
            CaaRecord caa => $"{caa.Flags} {caa.Tag} \"{caa.Value}\"",
            PtrRecord ptr => Name(ptr.PtrDomainName),
            _ => record.ToString(),
        },
    };

    private static string Name(DnsString name) => name.Value.Length > 1 ? name.Value.TrimEnd('.') : name.Value;
}
