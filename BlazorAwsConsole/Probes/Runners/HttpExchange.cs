using System.Net.Security;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// What one request of an HTTP probe went through (Stopwatch timestamps, 0 = not reached). Each
/// request has its own handler and connection, so nothing here is shared with another probe.
/// </summary>
internal sealed class HttpExchange
{
    public long StartedAt { get; init; }
    public long ResolvedAt { get; set; }
    public long ConnectedAt { get; set; }
    public long TlsDoneAt { get; set; }
    public long FirstByteAt { get; set; }
    public DateTimeOffset? CertificateExpiresAt { get; set; }
    /// <summary>Why the certificate was not trusted, when TLS verification refused it.</summary>
    public string? TlsRefusal { get; set; }
    public SslPolicyErrors TlsErrors { get; set; }

    /// <summary>Where the request stood when it stopped, for a timeout's reason.</summary>
    public string Phase => ResolvedAt == 0 ? "DNS" : ConnectedAt == 0 ? "connect" : TlsDoneAt == 0 && UsesTls ? "TLS handshake" : FirstByteAt == 0 ? "first byte" : "body";

    public bool UsesTls { get; init; }
}
