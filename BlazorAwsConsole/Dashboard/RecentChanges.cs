using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Dashboard;

/// <summary>One line of the dashboard's change log: an instance change or a synthetic test change, and who made it.</summary>
/// <param name="Source">"instance" or "test".</param>
/// <param name="By">The user (or "apikey:NAME"); "poll" when the inventory poll found an instance change.</param>
public sealed record RecentChange(DateTime At, string Source, string Subject, string What, string By, string? Link);

/// <summary>
/// The latest instance changes and synthetic test changes (create, update, delete, run from the
/// access log), merged by time, newest first. Two small indexed queries: the newest rows of each.
/// </summary>
public sealed class RecentChanges(IDbContextFactory<ConsoleDbContext> contexts, ProbeCatalog catalog)
{
    /// <summary>The access-log actions that change or run a synthetic test (SyntheticTestService writes them).</summary>
    public static readonly string[] TestActions = ["test.create", "test.update", "test.delete", "test.run"];

    public async Task<IReadOnlyList<RecentChange>> LatestAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var instances = await db.InstanceChanges.AsNoTracking()
            .OrderByDescending(c => c.At).ThenByDescending(c => c.Id)
            .Take(count)
            .ToListAsync(cancellationToken);
        // Refused attempts are in the access log too; only what happened belongs in a change log.
        var tests = await db.AuditEntries.AsNoTracking()
            .Where(e => TestActions.Contains(e.Action) && e.Result.StartsWith("ok"))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Take(count)
            .ToListAsync(cancellationToken);

        return instances.Select(FromInstance)
            .Concat(tests.Select(e => FromTest(e.At, e.Action, e.Target, e.Actor, e.Result)))
            .OrderByDescending(c => c.At)
            .Take(count)
            .ToList();
    }

    private static RecentChange FromInstance(InstanceChange change) => new(
        DateTime.SpecifyKind(change.At, DateTimeKind.Utc),
        "instance",
        string.IsNullOrEmpty(change.InstanceName) ? change.InstanceId : $"{change.InstanceName} ({change.InstanceId})",
        Describe(change),
        change.ChangedBy ?? "poll",
        change.Kind == ChangeKind.Disappeared ? null : $"/instances/{change.InstanceId}");

    private static string Describe(InstanceChange change) => change.Kind switch
    {
        ChangeKind.Appeared => $"appeared in {change.Region}",
        ChangeKind.Disappeared => $"disappeared from {change.Region}",
        ChangeKind.Action => $"{change.NewValue ?? change.Field} requested",
        _ when change.Field.Length > 0 => $"{change.Field}: {change.OldValue ?? "—"} → {change.NewValue ?? "—"}",
        _ => change.Kind.ToString(),
    };

    private RecentChange FromTest(DateTime at, string action, string target, string actor, string result)
    {
        var id = int.TryParse(target, out var parsed) ? parsed : (int?)null;
        var name = id is { } known && catalog.Find(known) is { } test ? $"{test.Name} (test {known})" : $"test {target}";
        var what = action switch
        {
            "test.create" => "created",
            "test.update" => "edited",
            "test.delete" => "deleted",
            _ => result.StartsWith("ok: ", StringComparison.Ordinal) ? $"run now: {result[4..]}" : "run now",
        };
        return new RecentChange(DateTime.SpecifyKind(at, DateTimeKind.Utc), "test", name, what, actor,
            action == "test.delete" || id is null ? null : $"/synthetic/{id}");
    }
}
