using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>
/// Stores many synthetic tests in one transaction, as SyntheticTestService stores one (without its per-test audit row
/// and reschedule): the probes soak before its console schedules them, the cluster soak before its nodes start.
/// </summary>
internal static class TestSeed
{
    public static async Task StoreAsync(IDbContextFactory<ConsoleDbContext> contexts, IReadOnlyList<SyntheticTest> tests, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = DateTime.UtcNow;
        foreach (var test in tests) test.CreatedAt = test.UpdatedAt = now;
        db.SyntheticTests.AddRange(tests);
        await db.SaveChangesAsync(cancellationToken);
    }
}
