using System.Diagnostics;
using System.Text.Json;
using Amazon.EC2.Model;
using BlazorAwsConsole.Fleet;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace BlazorAwsConsole.Benchmarks;

/// <summary>A first full sync on an empty database, then a second one with nothing changed, in one console.</summary>
internal sealed record SyncRun(TimeSpan First, FleetSyncReport FirstReport, TimeSpan Second, FleetSyncReport SecondReport);

/// <summary>A listing of the whole fleet and how many instances it returned.</summary>
internal sealed record Listing(TimeSpan Elapsed, int Instances);

/// <summary>The timed figures. Each one starts from nothing it could have cached: a fresh console, a fresh CLI process, fresh SDK clients.</summary>
internal static class Measurements
{
    /// <summary>
    /// Builds the whole console with Program.Build on a new SQLite file, starts it (migrations, regions,
    /// snapshot: untimed), then times two SyncAsync(force: true) calls.
    /// </summary>
    public static async Task<SyncRun> ConsoleSyncsAsync(string serviceUrl, string databaseFile, CancellationToken cancellationToken)
    {
        var app = await StartConsoleAsync(serviceUrl, databaseFile, [], cancellationToken);
        try
        {
            var sync = app.Services.GetRequiredService<FleetSyncService>();
            var started = Stopwatch.GetTimestamp();
            var first = await sync.SyncAsync(force: true, cancellationToken);
            var firstElapsed = Stopwatch.GetElapsedTime(started);

            started = Stopwatch.GetTimestamp();
            var second = await sync.SyncAsync(force: true, cancellationToken);
            var secondElapsed = Stopwatch.GetElapsedTime(started);

            if (first.Regions.FirstOrDefault(r => r.Error is not null) is { } failed)
                throw new InvalidOperationException($"The sync of {failed.Region} failed: {failed.Error}");
            return new SyncRun(firstElapsed, first, secondElapsed, second);
        }
        finally
        {
            await StopConsoleAsync(app, databaseFile);
        }
    }

    /// <summary>
    /// Builds the whole console with Program.Build on a new SQLite file against <paramref name="serviceUrl"/>
    /// and starts it (migrations, regions, snapshot) with its Quartz scheduler left unstarted, so the
    /// benchmark's own SyncAsync calls are the only ones. <paramref name="settings"/> are added ("Key=Value").
    /// </summary>
    public static async Task<WebApplication> StartConsoleAsync(string serviceUrl, string databaseFile, IEnumerable<string> settings, CancellationToken cancellationToken)
    {
        string[] args =
        [
            $"--Aws:ServiceUrl={serviceUrl}",
            $"--ConnectionStrings:Console=Data Source={databaseFile}",
            "--Sandbox:StartMoto=false",
            "--Sandbox:SeedDemoFleet=false",
            // No demo admin: its one-time password would be printed into the benchmark's output.
            "--Access:SandboxDemoAdmin=false",
            "--Fleet:PollIntervalSeconds=3600",
            "--urls=http://127.0.0.1:0",
            // The sync logs nothing below Warning; these only keep start-up lines out of the report
            // (the benchmark serves no pages, so the missing wwwroot beside its binaries does not matter).
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore.StaticFiles=Error",
            .. settings.Select(s => "--" + s),
        ];
        // The fleet job's trigger is StartNow: left alone, Quartz would run a sync at start and the timed
        // sync would find the fleet already stored. The scheduler is built but not started (Quartz's
        // AutoStart), so the benchmark's own SyncAsync calls are the only ones.
        var app = BlazorAwsConsole.Program.Build(args, builder =>
            builder.Services.ConfigureAll<QuartzHostedServiceOptions>(quartz => quartz.AutoStart = false));
        try
        {
            await app.StartAsync(cancellationToken);
            var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken);
            if (scheduler.Status != SchedulerStatus.Created)
                throw new InvalidOperationException($"Quartz is {scheduler.Status}; its fleet job would race the timed sync.");
            return app;
        }
        catch
        {
            await StopConsoleAsync(app, databaseFile);
            throw;
        }
    }

    public static async Task StopConsoleAsync(WebApplication app, string databaseFile)
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        // Pooled connections keep the file open; release them so the file can go.
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm" }) File.Delete(file);
    }

    /// <summary>
    /// The anchor: `aws ec2 describe-instances` for each region in turn, as an engineer lists the fleet.
    /// --page-size 1000 makes the CLI ask for the same pages as the console (MaxResults=1000).
    /// </summary>
    public static async Task<Listing> CliListingAsync(string serviceUrl, IReadOnlyList<string> regions, CancellationToken cancellationToken)
    {
        var outputs = new List<string>();
        var started = Stopwatch.GetTimestamp();
        foreach (var region in regions)
        {
            outputs.Add(await RunCliAsync(serviceUrl, region, cancellationToken));
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new Listing(elapsed, outputs.Sum(CountInstances));
    }

    /// <summary>
    /// The same DescribeInstances pages through the AWS SDK alone, nothing stored: what moto and the SDK
    /// cost. <paramref name="atOnce"/> asks all regions together, as the sync does.
    /// </summary>
    public static async Task<Listing> SdkListingAsync(MotoFleet moto, IReadOnlyList<string> regions, bool atOnce, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        int[] counts;
        if (atOnce)
        {
            counts = await Task.WhenAll(regions.Select(region => ListRegionAsync(moto, region, cancellationToken)));
        }
        else
        {
            counts = new int[regions.Count];
            for (var i = 0; i < regions.Count; i++) counts[i] = await ListRegionAsync(moto, regions[i], cancellationToken);
        }
        return new Listing(Stopwatch.GetElapsedTime(started), counts.Sum());
    }

    private static async Task<int> ListRegionAsync(MotoFleet moto, string region, CancellationToken cancellationToken)
    {
        using var ec2 = moto.Client(region);
        var count = 0;
        var pages = ec2.Paginators.DescribeInstances(new DescribeInstancesRequest { MaxResults = 1000 });
        await foreach (var page in pages.Responses.WithCancellation(cancellationToken))
        {
            count += (page.Reservations ?? []).Sum(r => r.Instances?.Count ?? 0);
        }
        return count;
    }

    private static async Task<string> RunCliAsync(string serviceUrl, string region, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("aws")
        {
            ArgumentList = { "ec2", "describe-instances", "--endpoint-url", serviceUrl, "--region", region, "--output", "json", "--page-size", "1000" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["AWS_ACCESS_KEY_ID"] = "test",
                ["AWS_SECRET_ACCESS_KEY"] = "test",
                ["AWS_PAGER"] = "",
                // A developer's own ~/.aws settings (profile, retries, pager) must not change the anchor.
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            },
        };
        using var cli = Process.Start(start) ?? throw new InvalidOperationException("Could not start aws (is awscli installed?)");
        try
        {
            var output = cli.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = cli.StandardError.ReadToEndAsync(cancellationToken);
            await cli.WaitForExitAsync(cancellationToken);
            if (cli.ExitCode != 0) throw new InvalidOperationException($"aws exited with {cli.ExitCode} in {region}: {await errors}");
            return await output;
        }
        catch (OperationCanceledException)
        {
            cli.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static int CountInstances(string describeInstancesJson)
    {
        using var json = JsonDocument.Parse(describeInstancesJson);
        return json.RootElement.GetProperty("Reservations").EnumerateArray()
            .Sum(reservation => reservation.GetProperty("Instances").GetArrayLength());
    }
}
