using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorAwsConsole.Fleet;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// What one node tells the others through PostgreSQL NOTIFY: "these rows changed, re-read them". It names rows and
/// never carries their state: any role that may connect to the database can NOTIFY on the channel, so a receiver
/// takes from a notice only what to re-read from the database (and re-reading is all a forged notice can cause).
/// </summary>
/// <param name="From">The sending node (its name and a per-start id, so a node ignores its own notices).</param>
/// <param name="Kind">One of <see cref="NoticeKinds"/>.</param>
/// <param name="Ids">Row ids: tests, probe results, alerts, alert rules, templates, channels, deliveries, or the fleet's change records.</param>
/// <param name="Keys">Instance ids (fleet) or credential set names.</param>
/// <param name="Regions">Region codes whose stored poll status changed (fleet).</param>
/// <param name="All">Too many to name: re-read everything of this kind.</param>
public sealed record ClusterNotice(
    string From,
    string Kind,
    IReadOnlyList<long>? Ids = null,
    IReadOnlyList<string>? Keys = null,
    IReadOnlyList<string>? Regions = null,
    bool All = false)
{
    /// <summary>The one channel every node listens on (NOTIFY is per database, so one cluster per database).</summary>
    public const string Channel = "console_changes";

    /// <summary>PostgreSQL refuses payloads of 8,000 bytes or more; this leaves room (a signature takes 45 of them).</summary>
    public const int MaxPayloadBytes = 7_500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    };

    public string ToPayload() => JsonSerializer.Serialize(this, Json);

    public static ClusterNotice? Parse(string payload)
    {
        try
        {
            // Anyone may send on the channel: a payload without a sender and a kind (JSON null passes the types) is no notice.
            return JsonSerializer.Deserialize<ClusterNotice>(payload, Json) is { From: not null, Kind.Length: > 0 } notice ? notice : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>This notice as payloads that each fit: the longest list is halved until every part does.</summary>
    public IEnumerable<string> ToPayloads()
    {
        var payload = ToPayload();
        if (Encoding.UTF8.GetByteCount(payload) <= MaxPayloadBytes)
        {
            yield return payload;
            yield break;
        }
        int ids = Ids?.Count ?? 0, keys = Keys?.Count ?? 0, regions = Regions?.Count ?? 0;
        var halves = ids >= keys && ids >= regions && ids > 1
                ? (this with { Ids = [.. Ids!.Take(ids / 2)] }, Empty with { Ids = [.. Ids!.Skip(ids / 2)] })
            : keys >= regions && keys > 1
                ? (this with { Keys = [.. Keys!.Take(keys / 2)] }, Empty with { Keys = [.. Keys!.Skip(keys / 2)] })
            : regions > 1
                ? (this with { Regions = [.. Regions!.Take(regions / 2)] }, Empty with { Regions = [.. Regions!.Skip(regions / 2)] })
            : ((ClusterNotice, ClusterNotice)?)null;
        if (halves is null)
        {
            // One id, one key and one region code are far below the limit: nothing to split.
            yield return payload;
            yield break;
        }
        var (first, second) = halves.Value;
        foreach (var part in first.ToPayloads().Concat(second.ToPayloads())) yield return part;
    }

    /// <summary>The same sender and kind, naming nothing yet.</summary>
    private ClusterNotice Empty => new(From, Kind);
}

/// <summary>The kinds of rows a notice names, one per in-memory view.</summary>
public static class NoticeKinds
{
    /// <summary>Synthetic tests (the probe catalog).</summary>
    public const string Tests = "tests";
    /// <summary>Instances, change records and regions' poll statuses (the fleet snapshot).</summary>
    public const string Fleet = "fleet";
    /// <summary>Status pages, their components and incidents (each node's cached public views are dropped).</summary>
    public const string StatusPages = "status-pages";
    /// <summary>Maintenance windows created or deleted (ids; the status pages' cached views are dropped).</summary>
    public const string Maintenance = "maintenance";
    /// <summary>Stored probe results (the probe status board).</summary>
    public const string Results = "results";
    /// <summary>Alerts opened, acknowledged or resolved (the alert board).</summary>
    public const string Alerts = "alerts";
    /// <summary>Alert rules created, edited or deleted (the alert engine's rules): without it another node's engine
    /// would resolve this node's alerts of a new rule as "rule deleted".</summary>
    public const string AlertRules = "alert-rules";
    /// <summary>Jump-server templates created, edited or deleted (ids; the templates page re-reads them).</summary>
    public const string Templates = "templates";
    /// <summary>Notification channels added, edited or deleted (ids).</summary>
    public const string Channels = "channels";
    /// <summary>Notification delivery attempts recorded (delivery ids).</summary>
    public const string Deliveries = "deliveries";
    /// <summary>Channels whose failing flag flipped (ids; the flag and error are read from the database).</summary>
    public const string ChannelHealth = "channel-health";
    /// <summary>Credential sets added, rotated or deleted (names in Keys; never a key): the credential directory.</summary>
    public const string Credentials = "credentials";
    /// <summary>Vault's status changed on the sender: the others ask Vault themselves (it is nobody's row).</summary>
    public const string Vault = "vault";
    /// <summary>Probe locations or their tokens added, edited, revoked or deleted (location ids; the pages re-read them).</summary>
    public const string ProbeLocations = "probe-locations";
}
