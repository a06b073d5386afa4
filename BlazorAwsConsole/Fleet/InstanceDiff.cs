namespace BlazorAwsConsole.Fleet;

/// <summary>
/// Compares what a poll observed with what is stored, copies the observed values onto the stored
/// row, and says which changes belong in the change log. A row whose values are all equal is left
/// untouched, so a poll that finds nothing new writes nothing.
/// </summary>
public static class InstanceDiff
{
    public static IReadOnlyList<InstanceChange> Appeared(Instance observed, DateTime now)
    {
        observed.FirstSeen = now;
        observed.UpdatedAt = now;
        observed.StateChangedAt = now;
        return [Change(observed, ChangeKind.Appeared, "", null, observed.State, now), .. FirstSeenImpaired(observed, observed.StatusChecks, now)];
    }

    public static InstanceChange Disappeared(Instance stored, DateTime now) =>
        Change(stored, ChangeKind.Disappeared, "", stored.State, null, now);

    /// <returns>The change log entries; empty when nothing a person cares about changed (the row may still have been refreshed).</returns>
    public static IReadOnlyList<InstanceChange> Apply(Instance stored, Instance observed, DateTime now, string? changedBy = null)
    {
        var changes = new List<InstanceChange>();

        if (stored.State != observed.State)
        {
            changes.Add(Change(stored, ChangeKind.State, "state", stored.State, observed.State, now, changedBy));
            stored.State = observed.State;
            stored.StateChangedAt = now;
        }
        if (stored.InstanceType != observed.InstanceType)
        {
            changes.Add(Change(stored, ChangeKind.InstanceType, "instanceType", stored.InstanceType, observed.InstanceType, now, changedBy));
            stored.InstanceType = observed.InstanceType;
        }
        if (stored.PublicIp != observed.PublicIp)
        {
            changes.Add(Change(stored, ChangeKind.Address, "publicIp", stored.PublicIp, observed.PublicIp, now, changedBy));
            stored.PublicIp = observed.PublicIp;
        }
        if (stored.PrivateIp != observed.PrivateIp)
        {
            changes.Add(Change(stored, ChangeKind.Address, "privateIp", stored.PrivateIp, observed.PrivateIp, now, changedBy));
            stored.PrivateIp = observed.PrivateIp;
        }
        foreach (var key in stored.Tags.Keys.Union(observed.Tags.Keys).Order(StringComparer.Ordinal))
        {
            var before = stored.Tags.GetValueOrDefault(key);
            var after = observed.Tags.GetValueOrDefault(key);
            if (before != after)
            {
                changes.Add(Change(stored, ChangeKind.Tag, "tag:" + key, before, after, now, changedBy));
            }
        }

        var healthChanged = ApplyHealth(stored, observed, now, changes);
        var metadataChanged = CopyMetadata(stored, observed);
        if (changes.Count > 0 || metadataChanged || healthChanged)
        {
            stored.Tags = new Dictionary<string, string>(observed.Tags, StringComparer.Ordinal);
            stored.Name = observed.Name;
            stored.UpdatedAt = now;
        }
        return changes;
    }

    /// <summary>
    /// Status checks and scheduled events, when the poll read them (a single-instance refresh does not):
    /// each check that moved and each event that came or went is a change record. The first reading
    /// of an instance is stored without records (nothing changed; the console only learnt it), except a
    /// check already impaired: see <see cref="FirstSeenImpaired"/>.
    /// </summary>
    private static bool ApplyHealth(Instance stored, Instance observed, DateTime now, List<InstanceChange> changes)
    {
        if (observed.StatusChecks is not { } checks) return false;
        var first = stored.StatusChecks is null;
        var changed = false;
        if (!checks.SameAs(stored.StatusChecks))
        {
            if (first)
            {
                changes.AddRange(FirstSeenImpaired(stored, checks, now));
            }
            else
            {
                foreach (var ((name, was), (_, isNow)) in stored.StatusChecks!.All.Zip(checks.All).Where(p => p.First.Value != p.Second.Value))
                {
                    changes.Add(Change(stored, ChangeKind.StatusCheck, "status:" + name, was, isNow, now));
                }
            }
            stored.StatusChecks = new StatusChecks { System = checks.System, Instance = checks.Instance, Ebs = checks.Ebs, ImpairedSince = new(checks.ImpairedSince) };
            changed = true;
        }
        var before = stored.ScheduledEvents.ToDictionary(e => e.Key);
        var after = observed.ScheduledEvents.ToDictionary(e => e.Key);
        if (!before.Keys.ToHashSet().SetEquals(after.Keys))
        {
            if (!first)
            {
                foreach (var added in after.Where(e => !before.ContainsKey(e.Key)))
                    changes.Add(Change(stored, ChangeKind.ScheduledEvent, "scheduledEvent:" + added.Value.Code, null, added.Value.Describe(), now));
                foreach (var gone in before.Where(e => !after.ContainsKey(e.Key)))
                    changes.Add(Change(stored, ChangeKind.ScheduledEvent, "scheduledEvent:" + gone.Value.Code, gone.Value.Describe(), null, now));
            }
            stored.ScheduledEvents = [.. observed.ScheduledEvents];
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// A check found impaired at the console's first reading is a record (from nothing to impaired), dated when EC2
    /// says it failed, or now when EC2 does not say: "impaired for N minutes" counts from the stored log, so an
    /// instance impaired for hours before the console first looked counts those hours, and a restart or another node
    /// taking over the judging does not start the count again.
    /// </summary>
    private static IEnumerable<InstanceChange> FirstSeenImpaired(Instance instance, StatusChecks? checks, DateTime now) =>
        checks is null ? [] : checks.All.Where(c => c.Value == "impaired").Select(c => Change(instance, ChangeKind.StatusCheck, "status:" + c.Name,
            null, "impaired", checks.ImpairedSince.TryGetValue(c.Name, out var since) && since < now ? since : now));

    /// <summary>Copies the fields that are kept but not logged; true when any differed.</summary>
    private static bool CopyMetadata(Instance stored, Instance observed)
    {
        var differs =
            stored.Name != observed.Name ||
            stored.AvailabilityZone != observed.AvailabilityZone ||
            stored.Platform != observed.Platform ||
            stored.ImageId != observed.ImageId ||
            stored.VpcId != observed.VpcId ||
            stored.SubnetId != observed.SubnetId ||
            stored.PrivateDns != observed.PrivateDns ||
            stored.PublicDns != observed.PublicDns ||
            stored.KeyName != observed.KeyName ||
            stored.LaunchTime != observed.LaunchTime ||
            !stored.SecurityGroups.SequenceEqual(observed.SecurityGroups);
        if (!differs) return false;

        stored.AvailabilityZone = observed.AvailabilityZone;
        stored.Platform = observed.Platform;
        stored.ImageId = observed.ImageId;
        stored.VpcId = observed.VpcId;
        stored.SubnetId = observed.SubnetId;
        stored.PrivateDns = observed.PrivateDns;
        stored.PublicDns = observed.PublicDns;
        stored.KeyName = observed.KeyName;
        stored.LaunchTime = observed.LaunchTime;
        stored.SecurityGroups = [.. observed.SecurityGroups];
        return true;
    }

    public static InstanceChange Change(Instance instance, ChangeKind kind, string field, string? oldValue, string? newValue, DateTime at, string? changedBy = null) => new()
    {
        InstanceId = instance.InstanceId,
        Region = instance.Region,
        InstanceName = instance.Name,
        Kind = kind,
        Field = field,
        OldValue = oldValue,
        NewValue = newValue,
        At = at,
        ChangedBy = changedBy,
    };
}
