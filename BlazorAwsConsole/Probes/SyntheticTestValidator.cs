using System.Net;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Fleet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// Checks a test when it is saved and copies the accepted values onto it: every field that is
/// wrong gets its own message under its JSON name, and nothing is changed when any is wrong.
/// Missing fields keep the test's current value (its default for a new test).
/// </summary>
public sealed partial class SyntheticTestValidator(FleetSnapshot fleet, IOptionsMonitor<ProbeOptions> options, IDbContextFactory<Infrastructure.ConsoleDbContext> contexts)
{
    public static readonly string[] HttpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    public async Task<Dictionary<string, string[]>> ApplyAsync(SyntheticTestDto input, SyntheticTest test, bool isNew, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [message];

        var name = input.Name?.Trim() ?? (isNew ? null : test.Name);
        if (string.IsNullOrWhiteSpace(name)) Error("name", "Name is required.");
        else if (name.Length > 100) Error("name", "Name must be at most 100 characters.");

        ProbeType type = test.Type;
        if (input.Type is not null && !Enum.TryParse(input.Type, ignoreCase: true, out type) || input.Type is null && isNew || input.Type is not null && int.TryParse(input.Type, out _))
        {
            Error("type", $"Type must be one of {string.Join(", ", Enum.GetValues<ProbeType>().Select(SyntheticTestDto.TypeName))}.");
        }

        var target = input.Target?.Trim() ?? (isNew ? null : test.Target);
        var port = input.Port ?? test.Port;
        if (type == ProbeType.Tls) port ??= Runners.TlsCheck.DefaultPort;
        if (string.IsNullOrWhiteSpace(target)) Error("target", type switch
        {
            ProbeType.Http => "Target is required: an http:// or https:// URL.",
            ProbeType.Dns => "Target is required: the name to query.",
            _ => "Target is required: an IP address or host name.",
        });
        else if (!errors.ContainsKey("type")) CheckTarget(type, target, Error);

        if (type is ProbeType.Port or ProbeType.Tls && !errors.ContainsKey("type"))
        {
            if (port is null) Error("port", "Port is required for a port check.");
            else if (port is < 1 or > 65535) Error("port", "Port must be between 1 and 65535.");
        }

        var frequency = input.FrequencySeconds ?? test.FrequencySeconds;
        if (frequency is < ProbeOptions.MinFrequencySeconds or > ProbeOptions.MaxFrequencySeconds)
            Error("frequencySeconds", $"Frequency must be between {ProbeOptions.MinFrequencySeconds} seconds and 24 hours ({ProbeOptions.MaxFrequencySeconds} s).");
        var timeout = input.TimeoutSeconds ?? test.TimeoutSeconds;
        if (timeout is < 1 or > 120) Error("timeoutSeconds", "Timeout must be between 1 and 120 seconds.");
        else if (timeout > frequency && !errors.ContainsKey("frequencySeconds")) Error("timeoutSeconds", "Timeout must not be longer than the frequency.");

        var degradedAboveMs = input.DegradedAboveMs is { } degradedInput ? degradedInput == 0 ? null : degradedInput : test.DegradedAboveMs;
        if (degradedAboveMs is { } degraded && !errors.ContainsKey("timeoutSeconds") && (degraded < 1 || degraded >= timeout * 1000))
            Error("degradedAboveMs", $"Degraded above must be between 1 ms and the timeout ({timeout * 1000} ms), or 0 for never.");

        var tags = input.Tags ?? test.Tags;
        if (tags.Count > 20) Error("tags", "At most 20 tags.");
        else if (tags.Any(t => string.IsNullOrWhiteSpace(t.Key) || t.Key.Length > 128 || (t.Value?.Length ?? 0) > 256)) Error("tags", "Tag keys must be 1-128 characters and values at most 256.");

        var sourceInstanceId = input.SourceInstanceId is null ? test.SourceInstanceId : input.SourceInstanceId.Trim() is { Length: > 0 } id ? id : null;
        string? sourceRegion = test.SourceRegion;
        if (sourceInstanceId is not null && sourceInstanceId != test.SourceInstanceId || sourceInstanceId is not null && isNew)
        {
            var instance = fleet.Find(sourceInstanceId);
            if (instance is null) Error("sourceInstanceId", $"Instance {sourceInstanceId} is not in the fleet; choose a running instance the console watches.");
            else if (instance.State is "terminated" or "shutting-down") Error("sourceInstanceId", $"Instance {sourceInstanceId} is {instance.State}.");
            else sourceRegion = instance.Region;
        }
        if (sourceInstanceId is null) sourceRegion = null;

        var (locations, failWhen, failWhenAtLeast) = await Locations.LocationTestRules.ApplyAsync(input, test, contexts, Error, cancellationToken);

        var candidate = Copy(test);
        candidate.Type = type;
        switch (type)
        {
            case ProbeType.Ping:
                candidate.PingCount = input.Count ?? test.PingCount;
                candidate.PingIntervalMs = input.IntervalMs ?? test.PingIntervalMs;
                candidate.PingPayloadBytes = input.PayloadBytes ?? test.PingPayloadBytes;
                candidate.PingDontFragment = input.DontFragment ?? test.PingDontFragment;
                candidate.PingTtl = input.Ttl ?? test.PingTtl;
                if (candidate.PingCount is < 1 or > 100) Error("count", "Count must be between 1 and 100.");
                if (candidate.PingIntervalMs is < 10 or > 10_000) Error("intervalMs", "Interval must be between 10 and 10000 ms.");
                if (candidate.PingPayloadBytes is < 0 or > 65_500) Error("payloadBytes", "Payload size must be between 0 and 65500 bytes.");
                if (candidate.PingTtl is < 1 or > 255) Error("ttl", "TTL must be between 1 and 255.");
                if (!errors.ContainsKey("count") && !errors.ContainsKey("intervalMs") && !errors.ContainsKey("timeoutSeconds")
                    && (candidate.PingCount - 1) * (long)candidate.PingIntervalMs >= timeout * 1000L)
                    Error("intervalMs", $"{candidate.PingCount} pings {candidate.PingIntervalMs} ms apart do not fit in the {timeout} s timeout.");
                break;
            case ProbeType.Traceroute:
                candidate.MaxHops = input.MaxHops ?? test.MaxHops;
                candidate.ProbesPerHop = input.ProbesPerHop ?? test.ProbesPerHop;
                candidate.HopTimeoutMs = input.HopTimeoutMs ?? test.HopTimeoutMs;
                if (candidate.MaxHops is < 1 or > 64) Error("maxHops", "Max hops must be between 1 and 64.");
                if (candidate.ProbesPerHop is < 1 or > 10) Error("probesPerHop", "Probes per hop must be between 1 and 10.");
                if (candidate.HopTimeoutMs is < 50 or > 10_000) Error("hopTimeoutMs", "Timeout per hop must be between 50 and 10000 ms.");
                break;
            case ProbeType.Port:
                candidate.SendText = Optional(input.Send, test.SendText);
                candidate.ExpectText = Optional(input.Expect, test.ExpectText);
                candidate.UseTls = input.Tls ?? test.UseTls;
                if (candidate.SendText?.Length > 1024) Error("send", "The text to send must be at most 1024 characters.");
                if (candidate.ExpectText?.Length > 256) Error("expect", "The expected text must be at most 256 characters.");
                break;
            case ProbeType.Http:
                CheckHttp(input, test, candidate, Error);
                break;
            case ProbeType.Dns:
                DnsTestRules.Apply(input, test, candidate, target, Error);
                break;
            case ProbeType.Tls:
                TlsTestRules.Apply(input, test, candidate, Error);
                break;
        }

        if (errors.Count == 0 && type is ProbeType.Http or ProbeType.Port or ProbeType.Tls && target is not null)
        {
            var host = type == ProbeType.Http ? new Uri(target).IdnHost : target;
            if (await Runners.TargetGuard.CheckAsync(host, options.CurrentValue.LinkLocalAllowList, cancellationToken) is { } refusal)
                Error("target", refusal);
        }
        if (errors.Count > 0) return errors;

        Copy(candidate, test);
        test.Name = name!;
        test.Target = target!;
        test.Port = type is ProbeType.Port or ProbeType.Tls ? port : null;
        test.FrequencySeconds = frequency;
        test.TimeoutSeconds = timeout;
        test.DegradedAboveMs = degradedAboveMs;
        test.Enabled = input.Enabled ?? test.Enabled;
        test.SourceInstanceId = sourceInstanceId;
        test.SourceRegion = sourceRegion;
        test.Locations = locations;
        test.FailWhen = failWhen;
        test.FailWhenAtLeast = failWhenAtLeast;
        test.Tags = new Dictionary<string, string>(tags.Select(t => KeyValuePair.Create(t.Key, t.Value ?? "")));
        return errors;
    }

    private static void CheckTarget(ProbeType type, string target, Action<string, string> error)
    {
        if (target.Length > 2048) { error("target", "Target must be at most 2048 characters."); return; }
        // Its record type decides what a DNS name may be (PTR takes an IP): checked with the DNS fields.
        if (type == ProbeType.Dns) return;
        if (type == ProbeType.Http)
        {
            if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host))
                error("target", $"'{target}' is not an absolute http:// or https:// URL.");
            return;
        }
        if (!IPAddress.TryParse(target, out _) && Uri.CheckHostName(target) != UriHostNameType.Dns)
            error("target", $"'{target}' is not an IP address or host name (a URL belongs in an HTTP test).");
    }

    private static void CheckHttp(SyntheticTestDto input, SyntheticTest test, SyntheticTest candidate, Action<string, string> error)
    {
        candidate.HttpMethod = (input.Method ?? test.HttpMethod).Trim().ToUpperInvariant();
        candidate.Headers = input.Headers ?? test.Headers;
        candidate.Body = Optional(input.Body, test.Body);
        candidate.ExpectedStatus = Optional(input.ExpectedStatus?.Trim(), test.ExpectedStatus);
        candidate.BodyContains = Optional(input.BodyContains, test.BodyContains);
        candidate.BodyMatchesRegex = Optional(input.BodyRegex, test.BodyMatchesRegex);
        candidate.BodyMustNotContain = Optional(input.BodyMustNotContain, test.BodyMustNotContain);
        candidate.FollowRedirects = input.FollowRedirects ?? test.FollowRedirects;
        candidate.MaxRedirects = input.MaxRedirects ?? test.MaxRedirects;
        candidate.VerifyTls = input.VerifyTls ?? test.VerifyTls;
        candidate.CertificateExpiryWarningDays = input.CertExpiryWarningDays ?? test.CertificateExpiryWarningDays;

        if (!HttpMethods.Contains(candidate.HttpMethod)) error("method", $"Method must be one of {string.Join(", ", HttpMethods)}.");
        if (candidate.Headers.Count > 50) error("headers", "At most 50 headers.");
        else if (candidate.Headers.FirstOrDefault(h => !HeaderName().IsMatch(h.Key) || (h.Value ?? "").IndexOfAny(['\r', '\n', '\0']) >= 0) is { Key: not null } bad)
            error("headers", $"Header '{bad.Key}' is not a valid header name and value (token characters; no line breaks in the value).");
        if (candidate.Body?.Length > 64 * 1024) error("body", "Body must be at most 64 KB.");
        if (!Runners.StatusCodeRanges.TryParse(candidate.ExpectedStatus, out _, out var statusError)) error("expectedStatus", statusError!);
        if (candidate.BodyMatchesRegex is { Length: > 0 } pattern)
        {
            try { _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)); }
            catch (ArgumentException e) { error("bodyRegex", $"Not a valid regular expression: {e.Message}"); }
        }
        if (candidate.MaxRedirects is < 0 or > 20) error("maxRedirects", "Max redirects must be between 0 and 20.");
        if (candidate.CertificateExpiryWarningDays is < 0 or > 365) error("certExpiryWarningDays", "Certificate warning must be between 0 and 365 days.");
        candidate.JsonAssertions = input.JsonAssertions ?? test.JsonAssertions;
        foreach (var (field, message) in Json.JsonAssertions.Validate(candidate.JsonAssertions)) error(field, message);
    }

    /// <summary>A missing optional text keeps the current one; an empty one clears it.</summary>
    private static string? Optional(string? input, string? current) => input is null ? current : input.Length == 0 ? null : input;

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$")]
    private static partial Regex HeaderName();

    private static SyntheticTest Copy(SyntheticTest from)
    {
        var copy = new SyntheticTest { Name = from.Name, Target = from.Target };
        Copy(from, copy);
        return copy;
    }

    /// <summary>Copies the type and its parameters (what <see cref="ApplyAsync"/> stages on a candidate first).</summary>
    private static void Copy(SyntheticTest from, SyntheticTest to)
    {
        to.Type = from.Type;
        to.PingCount = from.PingCount; to.PingIntervalMs = from.PingIntervalMs; to.PingPayloadBytes = from.PingPayloadBytes;
        to.PingDontFragment = from.PingDontFragment; to.PingTtl = from.PingTtl;
        to.MaxHops = from.MaxHops; to.ProbesPerHop = from.ProbesPerHop; to.HopTimeoutMs = from.HopTimeoutMs;
        to.SendText = from.SendText; to.ExpectText = from.ExpectText; to.UseTls = from.UseTls;
        to.HttpMethod = from.HttpMethod; to.Headers = new Dictionary<string, string>(from.Headers); to.Body = from.Body;
        to.ExpectedStatus = from.ExpectedStatus; to.BodyContains = from.BodyContains; to.BodyMatchesRegex = from.BodyMatchesRegex;
        to.BodyMustNotContain = from.BodyMustNotContain; to.FollowRedirects = from.FollowRedirects; to.MaxRedirects = from.MaxRedirects;
        to.VerifyTls = from.VerifyTls; to.CertificateExpiryWarningDays = from.CertificateExpiryWarningDays;
        to.JsonAssertions = [.. from.JsonAssertions];
        to.DnsRecordType = from.DnsRecordType; to.DnsResolver = from.DnsResolver; to.DnsProtocol = from.DnsProtocol;
        to.DnsExpectedAnswers = [.. from.DnsExpectedAnswers]; to.DnsExpectedRcode = from.DnsExpectedRcode;
        to.TlsServerName = from.TlsServerName; to.TlsVerifyChain = from.TlsVerifyChain; to.TlsMinVersion = from.TlsMinVersion;
    }
}
