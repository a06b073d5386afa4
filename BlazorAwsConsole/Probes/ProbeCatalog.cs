using System.Collections.Concurrent;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// Every test, held once per node so a run and a page never read the database to learn what a
/// test is. The service that saves a test updates it; the engine takes a spec from it per run.
/// </summary>
public sealed class ProbeCatalog
{
    private readonly ConcurrentDictionary<int, SyntheticTest> _tests = new();

    public IEnumerable<SyntheticTest> Tests => _tests.Values;

    public int Count => _tests.Count;

    public SyntheticTest? Find(int id) => _tests.GetValueOrDefault(id);

    public void Put(SyntheticTest test) => _tests[test.Id] = test;

    public void Remove(int id) => _tests.TryRemove(id, out _);

    /// <summary>
    /// The test as stored now, put into (or, when gone, removed from) the catalog: for a run of a test this node
    /// does not know yet (made on another node of a cluster whose notice has not arrived).
    /// </summary>
    public async Task<SyntheticTest?> ReadAsync(IDbContextFactory<ConsoleDbContext> contexts, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var test = await db.SyntheticTests.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (test is null) Remove(id);
        else Put(test);
        return test;
    }

    public async Task LoadAsync(IDbContextFactory<ConsoleDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        _tests.Clear();
        await foreach (var test in db.SyntheticTests.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            _tests[test.Id] = test;
        }
    }
}
