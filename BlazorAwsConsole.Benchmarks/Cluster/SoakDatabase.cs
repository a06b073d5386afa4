using BlazorAwsConsole.Benchmarks.Probes;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Benchmarks.Cluster;

/// <summary>
/// The soak's database, SQLite or PostgreSQL, seen from the benchmark: the settings its nodes get, its schema made by
/// the executable's own <c>migrate</c>, the soak's TCP tests stored before any node starts, and the runs read back.
/// </summary>
internal sealed class SoakDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SoakDatabase(string[] settings, ServiceProvider services, string? postgresName = null)
    {
        Settings = settings;
        _services = services;
        PostgresName = postgresName;
    }

    /// <summary>The database's name on the benchmark's PostgreSQL server; null on SQLite.</summary>
    public string? PostgresName { get; }

    /// <summary>"Key=Value" settings that point a node at this database.</summary>
    public string[] Settings { get; }

    /// <summary>The benchmark's own contexts on the database (seeding, reading runs back), apart from the nodes'.</summary>
    public IDbContextFactory<ConsoleDbContext> Contexts => _services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();

    public static SoakDatabase Sqlite(string file) => new(
        [$"ConnectionStrings:Console=Data Source={file}"],
        new ServiceCollection().AddDbContextFactory<ConsoleDbContext>(o => o.UseSqlite($"Data Source={file}")).BuildServiceProvider());

    public static SoakDatabase Postgres(string connection) => new(
        ["Database:Provider=Postgres", $"ConnectionStrings:Console={connection}"],
        new ServiceCollection().AddDbContextFactory<ConsoleDbContext, PostgresContextFactory>(o => o.UseNpgsql(connection)).BuildServiceProvider(),
        new Npgsql.NpgsqlConnectionStringBuilder(connection).Database);

    /// <summary>
    /// Migrates with the executable (<c>migrate</c>, as an operator does before the first node) and stores the tests:
    /// TCP at <paramref name="frequencySeconds"/>, test i dialing <see cref="SoakTarget.AddressOf"/>(i).
    /// Returns each test's id by its index i.
    /// </summary>
    public async Task<Dictionary<int, int>> PrepareAsync(IEnumerable<string> nodeSettings, int tests, int port, int frequencySeconds, CancellationToken cancellationToken) =>
        await PrepareAsync(nodeSettings, Enumerable.Range(1, tests).Select(i => ProbeKind.PortTest(i, port, frequencySeconds, SoakTarget.AddressOf(i))).ToList(), cancellationToken);

    /// <summary>
    /// Migrates with the executable and stores <paramref name="tests"/> (the locations benchmark's HTTP tests). Returns each
    /// test's id by its index i (1-based, in the list's order).
    /// </summary>
    public async Task<Dictionary<int, int>> PrepareAsync(IEnumerable<string> nodeSettings, IReadOnlyList<SyntheticTest> tests, CancellationToken cancellationToken)
    {
        var migrate = await ConsoleCli.RunAsync(["migrate", .. nodeSettings.Concat(Settings).Select(s => "--" + s)]);
        if (migrate.ExitCode != 0) throw new InvalidOperationException($"migrate exited with {migrate.ExitCode}: {migrate.Stderr}{migrate.Stdout}");
        await TestSeed.StoreAsync(Contexts, tests, cancellationToken);
        return tests.Select((test, index) => (test.Id, Index: index + 1)).ToDictionary(t => t.Index, t => t.Id);
    }

    /// <summary>
    /// Every stored scheduled run (not 'run now'), with the fire time it was due at as stored with it (the unique key's
    /// time: a run's start less its lag would differ from it by the lag's rounding, or by a lag measured from a misfire).
    /// </summary>
    public async Task<List<StoredRun>> RunsAsync(CancellationToken cancellationToken)
    {
        await using var db = await Contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ProbeResults.AsNoTracking().Where(r => r.StartLagMs != null)
            .Select(r => new { r.TestId, r.ScheduledAt, Lag = r.StartLagMs!.Value }).ToListAsync(cancellationToken);
        // Both providers store UTC; SQLite hands it back unspecified, so ticks are read as they are.
        return [.. rows.Select(r => new StoredRun(r.TestId, r.ScheduledAt.Ticks, r.Lag))];
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var db = await Contexts.CreateDbContextAsync(cancellationToken);
        return await db.ProbeResults.LongCountAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
