namespace BlazorAwsConsole.Probes.Components;

/// <summary>The edit dialog's fields, mutable for binding; turned into the same input the API takes, so both are validated alike.</summary>
public sealed class TestForm
{
    public string Name { get; set; } = "";
    public ProbeType Type { get; set; } = ProbeType.Http;
    public string Target { get; set; } = "";
    public int? Port { get; set; }
    public int FrequencySeconds { get; set; } = 60;
    public int TimeoutSeconds { get; set; } = 10;
    public bool Enabled { get; set; } = true;
    public string? SourceInstanceId { get; set; }
    public string TagsText { get; set; } = "";
    /// <summary>Empty: never degraded.</summary>
    public int? DegradedAboveMs { get; set; }
    /// <summary>Location names; empty: the console's own.</summary>
    public IReadOnlyCollection<string> Locations { get; set; } = [];
    public Locations.FailWhenMode FailWhen { get; set; }
    public int? FailWhenAtLeast { get; set; }

    public int Count { get; set; } = 4;
    public int IntervalMs { get; set; } = 200;
    public int PayloadBytes { get; set; } = 32;
    public bool DontFragment { get; set; }
    public int Ttl { get; set; } = 64;

    public int MaxHops { get; set; } = 30;
    public int ProbesPerHop { get; set; } = 3;
    public int HopTimeoutMs { get; set; } = 1000;

    public string? Send { get; set; }
    public string? Expect { get; set; }
    public bool Tls { get; set; }

    public string Method { get; set; } = "GET";
    public string HeadersText { get; set; } = "";
    public string? Body { get; set; }
    public string? ExpectedStatus { get; set; }
    public string? BodyContains { get; set; }
    public string? BodyRegex { get; set; }
    public string? BodyMustNotContain { get; set; }
    public bool FollowRedirects { get; set; } = true;
    public int MaxRedirects { get; set; } = 5;
    public bool VerifyTls { get; set; } = true;
    public int CertExpiryWarningDays { get; set; } = 14;
    /// <summary>One JSON assertion per line: <c>PATH OP [VALUE]</c> (<see cref="Json.JsonAssertions.ParseLines"/>).</summary>
    public string JsonAssertionsText { get; set; } = "";

    public string RecordType { get; set; } = "A";
    public string? Resolver { get; set; }
    public string Protocol { get; set; } = "udp";
    /// <summary>One expected value per line.</summary>
    public string ExpectedAnswersText { get; set; } = "";
    public string ExpectedRcode { get; set; } = "NOERROR";

    public string? ServerName { get; set; }
    public bool VerifyChain { get; set; } = true;
    /// <summary>Empty: any version.</summary>
    public string MinTlsVersion { get; set; } = "";

    public static TestForm From(SyntheticTest t) => new()
    {
        Name = t.Name, Type = t.Type, Target = t.Target, Port = t.Port, FrequencySeconds = t.FrequencySeconds, TimeoutSeconds = t.TimeoutSeconds,
        Enabled = t.Enabled, SourceInstanceId = t.SourceInstanceId, TagsText = Lines(t.Tags, "="), DegradedAboveMs = t.DegradedAboveMs,
        Locations = [.. t.Locations], FailWhen = t.FailWhen, FailWhenAtLeast = t.FailWhenAtLeast,
        Count = t.PingCount, IntervalMs = t.PingIntervalMs, PayloadBytes = t.PingPayloadBytes, DontFragment = t.PingDontFragment, Ttl = t.PingTtl,
        MaxHops = t.MaxHops, ProbesPerHop = t.ProbesPerHop, HopTimeoutMs = t.HopTimeoutMs,
        Send = t.SendText, Expect = t.ExpectText, Tls = t.UseTls,
        Method = t.HttpMethod, HeadersText = Lines(t.Headers, ": "), Body = t.Body, ExpectedStatus = t.ExpectedStatus,
        BodyContains = t.BodyContains, BodyRegex = t.BodyMatchesRegex, BodyMustNotContain = t.BodyMustNotContain,
        FollowRedirects = t.FollowRedirects, MaxRedirects = t.MaxRedirects, VerifyTls = t.VerifyTls, CertExpiryWarningDays = t.CertificateExpiryWarningDays,
        JsonAssertionsText = Json.JsonAssertions.ToLines(t.JsonAssertions),
        RecordType = t.DnsRecordType, Resolver = t.DnsResolver, Protocol = t.DnsProtocol, ExpectedAnswersText = string.Join("\n", t.DnsExpectedAnswers),
        ExpectedRcode = t.DnsExpectedRcode,
        ServerName = t.TlsServerName, VerifyChain = t.TlsVerifyChain, MinTlsVersion = t.TlsMinVersion ?? "",
    };

    /// <summary>The API input; a line of tags or headers that cannot be read is reported under its field.</summary>
    public SyntheticTestDto ToInput(Dictionary<string, string[]> errors)
    {
        var tags = Parse(TagsText, '=', "tags", "key=value", errors);
        var headers = Parse(HeadersText, ':', "headers", "Name: value", errors);
        var jsonAssertions = Json.JsonAssertions.ParseLines(JsonAssertionsText, out var jsonError);
        if (jsonError is not null && Type == ProbeType.Http) errors[Json.JsonAssertions.Field] = [jsonError];
        return new SyntheticTestDto
        {
            Name = Name, Type = SyntheticTestDto.TypeName(Type), Target = Target, Port = Type is ProbeType.Port or ProbeType.Tls ? Port : null,
            FrequencySeconds = FrequencySeconds, TimeoutSeconds = TimeoutSeconds, Enabled = Enabled,
            // An empty string means "the console itself" on input.
            SourceInstanceId = SourceInstanceId ?? "", Tags = tags, DegradedAboveMs = DegradedAboveMs ?? 0,
            Locations = [.. Locations],
            // The API's own spelling, so the form and a script are validated alike (a missing k is reported there).
            FailWhen = System.Text.Json.JsonSerializer.SerializeToElement(FailWhen == Probes.Locations.FailWhenMode.AtLeast
                ? new Dictionary<string, int?> { ["atLeast"] = FailWhenAtLeast } : Probes.Locations.FailWhenRules.ToJson(FailWhen, null)),
            Count = Count, IntervalMs = IntervalMs, PayloadBytes = PayloadBytes, DontFragment = DontFragment, Ttl = Ttl,
            MaxHops = MaxHops, ProbesPerHop = ProbesPerHop, HopTimeoutMs = HopTimeoutMs,
            Send = Send ?? "", Expect = Expect ?? "", Tls = Tls,
            Method = Method, Headers = headers, Body = Body ?? "", ExpectedStatus = ExpectedStatus ?? "",
            BodyContains = BodyContains ?? "", BodyRegex = BodyRegex ?? "", BodyMustNotContain = BodyMustNotContain ?? "",
            FollowRedirects = FollowRedirects, MaxRedirects = MaxRedirects, VerifyTls = VerifyTls, CertExpiryWarningDays = CertExpiryWarningDays,
            JsonAssertions = jsonAssertions,
            RecordType = RecordType, Resolver = Resolver ?? "", Protocol = Protocol,
            ExpectedAnswers = [.. ExpectedAnswersText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            ExpectedRcode = ExpectedRcode,
            ServerName = ServerName ?? "", VerifyChain = VerifyChain, MinTlsVersion = MinTlsVersion,
        };
    }

    private static string Lines(Dictionary<string, string> pairs, string separator) => string.Join("\n", pairs.Select(p => $"{p.Key}{separator}{p.Value}"));

    private static Dictionary<string, string> Parse(string text, char separator, string field, string shape, Dictionary<string, string[]> errors)
    {
        var pairs = new Dictionary<string, string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = line.IndexOf(separator);
            if (at <= 0)
            {
                errors[field] = [$"'{line}' is not {shape}: one per line."];
                continue;
            }
            pairs[line[..at].Trim()] = line[(at + 1)..].Trim();
        }
        return pairs;
    }
}
