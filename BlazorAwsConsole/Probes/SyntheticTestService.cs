using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Probes;

public sealed record TestSaveResult(SyntheticTest? Test, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool NotFound => Test is null && Errors.Count == 0;
}

/// <summary>Adds, edits, pauses and deletes synthetic tests; the API and the pages both use it. Every change is audited and takes effect at once.</summary>
public sealed class SyntheticTestService(
    IDbContextFactory<ConsoleDbContext> contexts,
    SyntheticTestValidator validator,
    ProbeCatalog catalog,
    ProbeScheduler scheduler,
    ProbeStatusBoard board,
    ProbeEngine engine,
    LiveFeed feed,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<TestSaveResult> CreateAsync(SyntheticTestDto input, Caller caller, CancellationToken cancellationToken)
    {
        var test = new SyntheticTest { Name = "", Target = "", CreatedBy = caller.Name };
        var errors = await validator.ApplyAsync(input, test, isNew: true, cancellationToken);
        if (errors.Count == 0)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            test.CreatedAt = test.UpdatedAt = time.GetUtcNow().UtcDateTime;
            db.SyntheticTests.Add(test);
            await db.SaveChangesAsync(CancellationToken.None);
            catalog.Put(test);
            await AppliedAsync(test);
        }
        await AuditAsync(caller, "test.create", errors.Count == 0 ? test.Id.ToString() : input.Name ?? "", errors, found: true);
        return new TestSaveResult(errors.Count == 0 ? test : null, errors);
    }

    public async Task<TestSaveResult> UpdateAsync(int id, SyntheticTestDto input, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        SyntheticTest? test;
        IReadOnlyDictionary<string, string[]> errors = new Dictionary<string, string[]>();
        // From the commit to the catalog under the test's lock: a notice's re-read cannot put an older state back after it.
        using (await catalog.LockAsync([id], cancellationToken))
        {
            test = await db.SyntheticTests.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (test is not null)
            {
                errors = await validator.ApplyAsync(input, test, isNew: false, cancellationToken);
                if (errors.Count == 0)
                {
                    test.UpdatedAt = time.GetUtcNow().UtcDateTime;
                    await db.SaveChangesAsync(CancellationToken.None);
                    catalog.Put(test);
                }
            }
        }
        if (test is not null && errors.Count == 0) await AppliedAsync(test);
        await AuditAsync(caller, "test.update", id.ToString(), errors, test is not null);
        return new TestSaveResult(errors.Count == 0 ? test : null, errors);
    }

    /// <summary>Pauses or resumes a test.</summary>
    public Task<TestSaveResult> SetEnabledAsync(int id, bool enabled, Caller caller, CancellationToken cancellationToken) =>
        UpdateAsync(id, new SyntheticTestDto { Enabled = enabled }, caller, cancellationToken);

    /// <summary>Deletes a test with its results and rollups.</summary>
    public async Task<bool> DeleteAsync(int id, Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        bool deleted;
        using (await catalog.LockAsync([id], cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            deleted = await db.SyntheticTests.Where(t => t.Id == id).ExecuteDeleteAsync(CancellationToken.None) > 0;
            if (deleted)
            {
                await db.ProbeResults.Where(r => r.TestId == id).ExecuteDeleteAsync(CancellationToken.None);
                await db.ProbeRollups.Where(r => r.TestId == id).ExecuteDeleteAsync(CancellationToken.None);
            }
            await transaction.CommitAsync(CancellationToken.None);
            if (deleted) catalog.Remove(id);
        }
        if (deleted)
        {
            board.Forget(id);
            await scheduler.RescheduleAsync(id, CancellationToken.None);
            feed.Publish(new SyntheticTestChanged(id, Deleted: true));
        }
        await audit.WriteAsync(caller.Name, caller.Address, "test.delete", id.ToString(), deleted ? "ok" : "refused: no such test", CancellationToken.None);
        return deleted;
    }

    /// <summary>Runs a test at once and waits for its stored result; null when no such test or it is already running.</summary>
    public async Task<ProbeResult?> RunNowAsync(int id, Caller caller, CancellationToken cancellationToken) =>
        await FindCurrentAsync(id, cancellationToken) is { } test ? await RunNowAsync(test, caller, cancellationToken) : null;

    /// <summary>
    /// The test as the database has it now, put in this node's catalog. With several nodes a test may have been
    /// made or changed on another node a moment ago: a run asked for by a person runs what they see, not what
    /// this node's catalog last heard. Null (and dropped from the catalog) when it no longer exists.
    /// </summary>
    public Task<SyntheticTest?> FindCurrentAsync(int id, CancellationToken cancellationToken) => catalog.ReadAsync(contexts, id, cancellationToken);

    /// <summary>Runs a test just read by <see cref="FindCurrentAsync"/>; null when it is already running.</summary>
    public async Task<ProbeResult?> RunNowAsync(SyntheticTest test, Caller caller, CancellationToken cancellationToken)
    {
        var id = test.Id;
        var result = await engine.RunNowAsync(id, cancellationToken);
        await audit.WriteAsync(caller.Name, caller.Address, "test.run", id.ToString(),
            result is null ? "skipped: already running" : result.Success ? "ok: passed" : $"ok: failed ({result.Reason})", CancellationToken.None);
        return result;
    }

    /// <summary>After the save is in the catalog: the timers follow it (they read the catalog, so the latest state wins).</summary>
    private async Task AppliedAsync(SyntheticTest test)
    {
        await scheduler.RescheduleAsync(test.Id, CancellationToken.None);
        feed.Publish(new SyntheticTestChanged(test.Id, Deleted: false));
    }

    private Task AuditAsync(Caller caller, string action, string target, IReadOnlyDictionary<string, string[]> errors, bool found) =>
        audit.WriteAsync(caller.Name, caller.Address, action, target,
            !found ? "refused: no such test" : errors.Count > 0 ? "refused: " + string.Join(" ", errors.Keys) : "ok", CancellationToken.None);
}
