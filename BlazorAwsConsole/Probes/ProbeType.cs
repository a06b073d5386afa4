namespace BlazorAwsConsole.Probes;

/// <summary>The kinds of synthetic test. Serialized in lower case (<c>ping</c>, <c>traceroute</c>, <c>port</c>, <c>http</c>, <c>dns</c>, <c>tls</c>).</summary>
public enum ProbeType
{
    Ping,
    Traceroute,
    Port,
    Http,
    /// <summary>A DNS query and its answer (Probes/Runners/DnsRunner.cs).</summary>
    Dns,
    /// <summary>A TLS handshake and the server's certificate (Probes/Runners/TlsRunner.cs).</summary>
    Tls,
}
