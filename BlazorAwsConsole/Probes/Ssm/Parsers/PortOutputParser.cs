using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Probes.Ssm.Parsers;

/// <summary>
/// The port script: "BAC connect_ms" once bash's /dev/tcp connected, bash's own error otherwise
/// ("Connection refused", "No route to host"…), exit 124 when nothing answered before the deadline;
/// then "BAC tls_ms" or "BAC tls_error" from openssl and "BAC banner_b64" with what the service sent.
/// </summary>
internal static class PortOutputParser
{
    public static ProbeOutcome Parse(SsmOutput output, ProbeSpec spec)
    {
        var port = spec.Port ?? 0;
        var connectMs = output.Double("connect_ms");
        if (connectMs is null) return NotConnected(output, spec, port);

        var banner = ParsedText.Base64Text(output.Value("banner_b64"));
        if (banner is { Length: > 256 }) banner = banner[..256];
        var details = new PortDetails
        {
            State = PortState.Open,
            ConnectMs = connectMs,
            TlsMs = output.Double("tls_ms"),
            Banner = banner?.Trim(),
        };
        var timings = $"connected in {ParsedText.Ms(connectMs.Value)}" + (details.TlsMs is { } tls ? $", TLS in {ParsedText.Ms(tls)}" : "");
        string? failure = null;
        if (output.Values("tls_error") is { Count: > 0 } tlsErrors)
            failure = $"port {port} is open but the TLS handshake failed: {tlsErrors[0].Trim()}";
        else if (!string.IsNullOrEmpty(spec.ExpectText) && (banner is null || !banner.Contains(spec.ExpectText, StringComparison.Ordinal)))
            failure = string.IsNullOrEmpty(banner)
                ? $"port {port} is open but nothing came back; expected {ParsedText.Quote(spec.ExpectText)}"
                : $"port {port} is open but the reply lacks {ParsedText.Quote(spec.ExpectText)}; got {ParsedText.Quote(banner)}";
        else if (output.ExitCode is not 0)
            failure = $"port {port} is open but the exchange did not finish before the {spec.Timeout.TotalSeconds:0.#} s timeout";
        return new ProbeOutcome
        {
            Success = failure is null,
            Reason = failure ?? $"port {port} open, {timings}" + (string.IsNullOrEmpty(spec.ExpectText) ? "" : $", got {ParsedText.Quote(spec.ExpectText)}"),
            StartedAt = default,
            DurationMs = 0,
            ResponseTimeMs = connectMs,
            Port = details,
        };
    }

    private static ProbeOutcome NotConnected(SsmOutput output, ProbeSpec spec, int port)
    {
        var error = output.FirstToolLine("connect:") ?? output.ToolLines.FirstOrDefault(l => l.Trim().Length > 0);
        var host = spec.Target.Trim();
        if (ParsedText.IsNameResolutionFailure(output.FirstToolLine("Name or service not known", "name resolution", "No address associated")))
            // Nothing was connected to, so there is no port state to report.
            return Outcome(null, $"cannot resolve {host}");
        if (output.ExitCode == 124)
            return Outcome(PortState.Filtered, $"no answer from {host}:{port} within the {spec.Timeout.TotalSeconds:0.#} s timeout (filtered or host down)");
        if (error?.Contains("Connection refused", StringComparison.OrdinalIgnoreCase) == true)
            return Outcome(PortState.Closed, $"connection refused by {host}:{port} (port closed)");
        var cause = error is null ? $"exit code {output.ExitCode}" : error[(error.LastIndexOf(':') + 1)..].Trim();
        return Outcome(PortState.Filtered, $"cannot reach {host}:{port}: {cause.ToLowerInvariant()}");
    }

    private static ProbeOutcome Outcome(PortState? state, string reason) => new()
    {
        Success = false,
        Reason = reason,
        StartedAt = default,
        DurationMs = 0,
        Port = state is { } s ? new PortDetails { State = s } : null,
    };
}
