using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Fleet.Events;

/// <summary>What kind of EC2 event arrived on a region's queue.</summary>
public enum Ec2EventKind
{
    /// <summary>"EC2 Instance State-change Notification": the instance's state moved (the event names the new one).</summary>
    StateChange,
    /// <summary>"EC2 Spot Instance Interruption Warning": EC2 reclaims the Spot instance in two minutes.</summary>
    SpotInterruption,
    /// <summary>"EC2 Instance Rebalance Recommendation": the Spot instance is at elevated risk of interruption.</summary>
    RebalanceRecommendation,
    /// <summary>An AWS Health event of the EC2 service (retirement, maintenance, degraded hardware …) naming instances.</summary>
    HealthEvent,
}

/// <summary>
/// One EventBridge event about EC2 instances, as read from an SQS message body. The event is only a
/// signal: the console re-reads each instance with DescribeInstances before it stores anything.
/// </summary>
/// <param name="Summary">For notices, the words shown in the change log (e.g. "terminate in 2 minutes").</param>
/// <param name="Field">The change log's "what" for a notice: spot-interruption, rebalance-recommendation, health:CODE.</param>
/// <param name="InstancesLeftOff">Instances the event named past the first <see cref="Ec2EventParser.MaxInstances"/>, not read.</param>
public sealed record Ec2Event(string Id, Ec2EventKind Kind, string Region, DateTime? Time, IReadOnlyList<string> InstanceIds,
    string? State, string Field, string Summary, int InstancesLeftOff = 0);

/// <summary>The result of reading a message body: an event, or why it is not one the console understands.</summary>
public sealed record ParsedMessage(Ec2Event? Event, string? Rejection)
{
    public static ParsedMessage Rejected(string reason) => new(null, reason);
}

/// <summary>
/// Reads EventBridge's envelope (<c>id</c>, <c>time</c>, <c>detail-type</c>, <c>source</c>, <c>region</c>,
/// <c>resources</c>, <c>detail</c>) in the shapes AWS documents for the four event types the console
/// understands; anything else is rejected with a reason, never thrown. A message is only a claim (anyone
/// the account lets send to the queue can write one), so what it may cost and what is kept of it is bounded.
/// </summary>
public static partial class Ec2EventParser
{
    /// <summary>EventBridge delivers no event larger than 256 KB; a bigger body was not written by it, and is not parsed.</summary>
    public const int MaxBodyBytes = 256 * 1024;
    /// <summary>Instances read per event, with one DescribeInstances call; AWS Health names more only in a region-wide issue.</summary>
    public const int MaxInstances = 100;
    /// <summary>Characters kept of a code, category, action, region or id (AWS's own are under 100).</summary>
    public const int MaxTextChars = 128;

    public const string StateChangeType = "EC2 Instance State-change Notification";
    public const string SpotInterruptionType = "EC2 Spot Instance Interruption Warning";
    public const string RebalanceType = "EC2 Instance Rebalance Recommendation";
    public const string HealthType = "AWS Health Event";

    public static ParsedMessage Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return ParsedMessage.Rejected("empty message body");
        if (Encoding.UTF8.GetByteCount(body) is var bytes and > MaxBodyBytes)
            return ParsedMessage.Rejected($"a body of {bytes:N0} bytes, larger than an EventBridge event can be ({MaxBodyBytes / 1024} KB)");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return ParsedMessage.Rejected($"not JSON ({ex.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return ParsedMessage.Rejected("not an EventBridge event (the body is not a JSON object)");
            var source = Text(root, "source");
            var type = Text(root, "detail-type");
            var region = Text(root, "region");
            var id = Text(root, "id") ?? "";
            if (source is null || type is null || region is null || !root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Object)
            {
                return ParsedMessage.Rejected("not an EventBridge event (source, detail-type, region or detail missing)");
            }
            var time = Text(root, "time") is { } t && DateTime.TryParse(t, null, System.Globalization.DateTimeStyles.AdjustToUniversal, out var at) ? at : (DateTime?)null;

            return (source, type) switch
            {
                ("aws.ec2", StateChangeType) => InstanceEvent(id, Ec2EventKind.StateChange, region, time, detail,
                    Text(detail, "state") is { } state ? (state, "state", state) : default),
                ("aws.ec2", SpotInterruptionType) => InstanceEvent(id, Ec2EventKind.SpotInterruption, region, time, detail,
                    (null, AwsNoticeKinds.SpotInterruption, $"Spot interruption warning: EC2 will {Text(detail, "instance-action") ?? "interrupt"} it in 2 minutes")),
                ("aws.ec2", RebalanceType) => InstanceEvent(id, Ec2EventKind.RebalanceRecommendation, region, time, detail,
                    (null, AwsNoticeKinds.RebalanceRecommendation, "Rebalance recommendation: elevated risk of Spot interruption")),
                ("aws.health", HealthType) => Health(id, region, time, root, detail),
                _ => ParsedMessage.Rejected($"foreign event ({source}: {type})"),
            };
        }
    }

    private static ParsedMessage InstanceEvent(string id, Ec2EventKind kind, string region, DateTime? time, JsonElement detail,
        (string? State, string Field, string Summary) what)
    {
        var instanceId = Text(detail, "instance-id");
        if (instanceId is null || !InstanceId().IsMatch(instanceId)) return ParsedMessage.Rejected("no instance-id in the event's detail");
        if (kind == Ec2EventKind.StateChange && what.State is null) return ParsedMessage.Rejected("no state in the state-change event's detail");
        return new ParsedMessage(new Ec2Event(id, kind, region, time, [instanceId], what.State, what.Field, what.Summary), null);
    }

    /// <summary>AWS Health: only the EC2 service's events, for the instances among the affected entities (or, failing that, the resources).</summary>
    private static ParsedMessage Health(string id, string region, DateTime? time, JsonElement root, JsonElement detail)
    {
        var service = Text(detail, "service");
        if (!string.Equals(service, "EC2", StringComparison.OrdinalIgnoreCase)) return ParsedMessage.Rejected($"foreign event (AWS Health for {service ?? "no service"})");
        var code = Text(detail, "eventTypeCode") ?? "AWS_EC2_EVENT";
        var instances = new List<string>();
        if (detail.TryGetProperty("affectedEntities", out var entities) && entities.ValueKind == JsonValueKind.Array)
        {
            instances.AddRange(entities.EnumerateArray().Select(e => Text(e, "entityValue")).OfType<string>());
        }
        if (instances.Count == 0 && root.TryGetProperty("resources", out var resources) && resources.ValueKind == JsonValueKind.Array)
        {
            instances.AddRange(resources.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!));
        }
        instances = instances.Select(InstanceIdOf).Where(i => InstanceId().IsMatch(i)).Distinct(StringComparer.Ordinal).ToList();
        if (instances.Count == 0) return ParsedMessage.Rejected($"AWS Health event {code} names no instance");
        var leftOff = Math.Max(0, instances.Count - MaxInstances);
        var description = detail.TryGetProperty("eventDescription", out var descriptions) && descriptions.ValueKind == JsonValueKind.Array
            ? descriptions.EnumerateArray().Select(d => Whole(d, "latestDescription")).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d))
            : null;
        var category = Text(detail, "eventTypeCategory");
        var summary = $"AWS Health {category ?? "event"} {code}" + (description is null ? "" : $": {Shorten(description)}");
        return new ParsedMessage(new Ec2Event(id, Ec2EventKind.HealthEvent, region, time, instances.Take(MaxInstances).ToList(), null,
            AwsNoticeKinds.HealthField(code), summary, leftOff), null);
    }

    /// <summary>"arn:aws:ec2:us-east-1:123456789012:instance/i-0abc" or "i-0abc" → "i-0abc".</summary>
    private static string InstanceIdOf(string resource) => resource.LastIndexOf('/') is var slash and >= 0 ? resource[(slash + 1)..] : resource;

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 300 ? line : line[..297] + "…";
    }

    /// <summary>A string property, cut to <see cref="MaxTextChars"/> (with the marker): every one but the description (<see cref="Shorten"/>).</summary>
    private static string? Text(JsonElement element, string property) =>
        Truncation.Text(Whole(element, property), MaxTextChars);

    private static string? Whole(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An EC2 instance id: "i-" and 8 or 17 hexadecimal digits.</summary>
    [GeneratedRegex("^i-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex InstanceId();
}
