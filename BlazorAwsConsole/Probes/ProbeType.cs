namespace BlazorAwsConsole.Probes;

/// <summary>The four kinds of synthetic test. Serialized in lower case (<c>ping</c>, <c>traceroute</c>, <c>port</c>, <c>http</c>).</summary>
public enum ProbeType
{
    Ping,
    Traceroute,
    Port,
    Http,
}
