using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>
/// The real console, built with Program.Build and started in this process on a new SQLite file, with
/// nothing that would call AWS (no moto: the probes need none). The caller adds the probe settings.
/// </summary>
internal sealed class ProbeConsole : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _databaseFile;

    private ProbeConsole(WebApplication app, string databaseFile)
    {
        _app = app;
        _databaseFile = databaseFile;
    }

    public IServiceProvider Services => _app.Services;

    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public ProbeEngine Engine => Get<ProbeEngine>();

    public ProbeResultWriter Writer => Get<ProbeResultWriter>();

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<ProbeConsole> StartAsync(string databaseFile, IEnumerable<string> probeSettings, CancellationToken cancellationToken)
    {
        string[] args =
        [
            $"--ConnectionStrings:Console=Data Source={databaseFile}",
            // Nothing here may reach AWS: an endpoint where nothing listens makes any call fail loudly.
            "--Aws:ServiceUrl=http://127.0.0.1:9",
            "--Sandbox:StartMoto=false",
            "--Sandbox:SeedDemoFleet=false",
            "--Fleet:PollOnSchedule=false",
            "--JumpServers:EnforceTtlOnSchedule=false",
            "--Access:SandboxDemoAdmin=false",
            "--urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore.StaticFiles=Error",
            .. probeSettings.Select(setting => "--" + setting),
        ];
        var app = BlazorAwsConsole.Program.Build(args);
        var console = new ProbeConsole(app, databaseFile);
        try
        {
            await app.StartAsync(cancellationToken);
            return console;
        }
        catch
        {
            await console.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stores the tests (one transaction) and puts them in the catalog, as SyntheticTestService does
    /// for one; without the per-test audit row and reschedule, which the caller does at once for all.
    /// </summary>
    public async Task<IReadOnlyList<SyntheticTest>> AddTestsAsync(IEnumerable<SyntheticTest> tests, CancellationToken cancellationToken)
    {
        var list = tests.ToList();
        await TestSeed.StoreAsync(Get<IDbContextFactory<ConsoleDbContext>>(), list, cancellationToken);
        var catalog = Get<ProbeCatalog>();
        foreach (var test in list) catalog.Put(test);
        return list;
    }

    public async Task<int> CountStoredResultsAsync(CancellationToken cancellationToken)
    {
        await using var db = await Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(cancellationToken);
        return await db.ProbeResults.CountAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            // Pooled connections keep the file open; release them so the file can go.
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _databaseFile, _databaseFile + "-wal", _databaseFile + "-shm" }) File.Delete(file);
        }
    }
}
