using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// The whole console on real Kestrel at a free loopback port, against a test's moto and its own
/// SQLite file (or, given a <see cref="PostgresServer"/>, its own PostgreSQL database). The scheduled poll and TTL job are off unless a test turns them on; tests sync explicitly.
/// </summary>
public sealed class ConsoleHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;
    private readonly TestDatabase? _ownDatabase;
    private readonly System.Collections.Concurrent.ConcurrentBag<Func<Task>> _closeBeforeStop = [];

    private ConsoleHost(WebApplication app, string folder, TestDatabase? ownDatabase)
    {
        _app = app;
        _folder = folder;
        _ownDatabase = ownDatabase;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Anonymous = new HttpClient { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    /// <summary>An API client with an Admin key: the tests of what the console does, not of who may do it.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>An API client without credentials.</summary>
    public HttpClient Anonymous { get; }
    public IServiceProvider Services => _app.Services;
    public string DatabasePath => Path.Combine(_folder, "console.db");

    /// <summary>
    /// Closes something connected to this console (a browser context) before the console stops: Kestrel waits for
    /// an open circuit until the host's 30 s stop timeout runs out.
    /// </summary>
    public void CloseBeforeStop(Func<Task> close) => _closeBeforeStop.Add(close);

    public DatabaseProvider Provider => InfrastructureFeature.ProviderOf(_app.Configuration);

    /// <summary>
    /// Everything the database holds, as text, for "this secret is nowhere in it" checks: the SQLite file and its
    /// journal as bytes, or every PostgreSQL table's rows as text.
    /// </summary>
    public async Task<string> DatabaseTextAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            return string.Concat(new[] { "", "-wal", "-shm" }.Select(suffix => DatabasePath + suffix).Where(File.Exists)
                .Select(file => System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file))));
        }
        await using var db = await Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var tables = await db.Database.SqlQuery<string>($"SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'").ToListAsync();
        var text = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            // A table name read from the catalog, quoted; no value from a test reaches this SQL.
#pragma warning disable EF1002
            var rows = await db.Database.SqlQueryRaw<string>($"SELECT t::text AS \"Value\" FROM \"{table.Replace("\"", "\"\"")}\" t").ToListAsync();
#pragma warning restore EF1002
            text.AppendJoin('\n', rows).Append('\n');
        }
        return text.ToString();
    }

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public Task<FleetSyncReport> SyncAsync() => Get<FleetSyncService>().SyncAsync(force: true);

    /// <summary>An API client holding a new key of the role.</summary>
    public async Task<HttpClient> ClientAsync(string role)
    {
        var (key, _) = await Get<ApiKeyService>().CreateAsync($"test-{role}-{Guid.NewGuid():n}", role, "tests", CancellationToken.None);
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Creates a local user of the role and returns its password.</summary>
    public async Task<string> AddUserAsync(string name, string role)
    {
        var password = $"Pw-{Guid.NewGuid():n}";
        await using var scope = Services.CreateAsyncScope();
        var errors = await scope.ServiceProvider.GetRequiredService<UserAdminService>().AddAsync(name, password, role, Caller.System("tests"));
        errors.Should().BeEmpty();
        return password;
    }

    /// <summary>Points a watched region at another endpoint (null: back to moto), as the settings pages will.</summary>
    public async Task SetRegionEndpointAsync(string region, string? endpoint)
    {
        await using var db = await Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        (await db.Regions.SingleAsync(r => r.Code == region)).ServiceUrl = endpoint;
        await db.SaveChangesAsync();
    }

    /// <summary>An endpoint where nothing listens.</summary>
    public static string DeadEndpoint() => $"http://127.0.0.1:{MotoFixture.FreePort()}";

    /// <param name="settings">Extra settings as "Key=Value" (e.g. "Fleet:PollIntervalSeconds=2").</param>
    public static Task<ConsoleHost> StartAsync(MotoFixture moto, params string[] settings) => StartAsync(moto, ConsoleDatabase.Sqlite, null, settings);

    /// <param name="configure">Changes to the builder after the console registered its services (e.g. a <see cref="TestClock"/>, an extra logger provider).</param>
    public static Task<ConsoleHost> StartAsync(MotoFixture moto, Action<WebApplicationBuilder>? configure, params string[] settings) =>
        StartAsync(moto, ConsoleDatabase.Sqlite, configure, settings);

    /// <param name="database">Sqlite (a file in the host's folder) or a PostgreSQL server (a new database, dropped with the host).</param>
    public static Task<ConsoleHost> StartAsync(MotoFixture moto, ConsoleDatabase database, params string[] settings) => StartAsync(moto, database, null, settings);

    public static async Task<ConsoleHost> StartAsync(MotoFixture moto, ConsoleDatabase database, Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        // SQLite: the file in the host's folder below. Another engine: a database of its own; a test's own
        // ConnectionStrings:Console setting (a database shared by two consoles) still wins, coming later.
        var ownDatabase = database.Provider == DatabaseProvider.Sqlite ? null : await database.CreateAsync();
        var folder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        string[] defaults =
        [
            "urls=http://127.0.0.1:0",
            "environment=Development",
            $"Aws:ServiceUrl={moto.Endpoint}",
            "Aws:MaxAttempts=1",
            "Aws:TimeoutSeconds=5",
            "Sandbox:StartMoto=false",
            "Sandbox:SeedDemoFleet=false",
            "Access:SandboxDemoAdmin=false",
            $"ConnectionStrings:Console=Data Source={Path.Combine(folder, "console.db")}",
            "Fleet:PollOnSchedule=false",
            "JumpServers:EnforceTtlOnSchedule=false",
            $"Quartz:SchedulerName=test-{Guid.NewGuid():n}",
            "Logging:LogLevel:Default=Warning",
        ];
        var app = Program.Build([.. defaults.Concat(ownDatabase?.Settings ?? []).Concat(settings).Select(s => "--" + s)], configure);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A start refused midway (e.g. by the key-encryption key check) must not keep the database lock it took.
            await app.DisposeAsync();
            if (ownDatabase is not null) await ownDatabase.DisposeAsync();
            throw;
        }
        var host = new ConsoleHost(app, folder, ownDatabase);
        host.Http = await host.ClientAsync(ConsoleRoles.Admin);
        return host;
    }

    /// <summary>How long a node may take to stop before its test fails for it (the product's own stop steps are bounded well within this).</summary>
    private static readonly TimeSpan StopDeadline = TimeSpan.FromMinutes(2);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        foreach (var close in _closeBeforeStop)
        {
            try
            {
                await close();
            }
            catch (Exception)
            {
                // A browser already gone has nothing left open.
            }
        }
        // A node that never stops would hang the whole test run (CI stops at 90 min): fail the test that owns it instead.
        try
        {
            await _app.StopAsync().WaitAsync(StopDeadline);
            await _app.DisposeAsync().AsTask().WaitAsync(StopDeadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The console node did not stop within {StopDeadline.TotalMinutes} min: a stop step waits forever (take an async dump to see which)");
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the temp folder is cleaned by the OS.
        }
        if (_ownDatabase is not null) await _ownDatabase.DisposeAsync();
    }
}
