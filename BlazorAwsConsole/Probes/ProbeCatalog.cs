using System.Collections.Concurrent;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// Every test, held once per node so a run and a page never read the database to learn what a
/// test is. The service that saves a test updates it; the engine takes a spec from it per run.
/// </summary>
/// <remarks>
/// Whoever writes a test here from the database holds the test's lock (<see cref="LockAsync"/>) from the read (or the
/// save's commit) until the write here: a re-read for another node's notice that read the row just before this node
/// saved it would otherwise put the older state back after the save's, and the test would run paused, or at its old
/// interval, until the next full re-read (the churn test saw a paused test run on for a minute).
/// </remarks>
public sealed class ProbeCatalog
{
    private const int Stripes = 64;
    private readonly ConcurrentDictionary<int, SyntheticTest> _tests = new();
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>
    /// Holds the locks of these tests (null: of every test) until disposed: from reading or committing a test to putting it
    /// here. Tests share 64 locks; they are taken in one order, so two holders never wait for each other.
    /// </summary>
    public async Task<IDisposable> LockAsync(IEnumerable<int>? ids, CancellationToken cancellationToken)
    {
        var stripes = ids is null ? Enumerable.Range(0, Stripes).ToArray() : ids.Select(StripeOf).Distinct().Order().ToArray();
        var held = new List<SemaphoreSlim>(stripes.Length);
        try
        {
            foreach (var stripe in stripes)
            {
                await _locks[stripe].WaitAsync(cancellationToken);
                held.Add(_locks[stripe]);
            }
        }
        catch
        {
            held.ForEach(l => l.Release());
            throw;
        }
        return new Held(held);
    }

    private static int StripeOf(int id) => (int)((uint)id % Stripes);

    private sealed class Held(List<SemaphoreSlim> locks) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) locks.ForEach(l => l.Release());
        }
    }

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
        using var held = await LockAsync([id], cancellationToken);
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
