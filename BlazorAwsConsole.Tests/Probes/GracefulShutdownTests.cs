using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>
/// The console as a real process (real Kestrel) with many tests on their schedules, some of them in
/// flight on a slow target, stopped with SIGTERM as an orchestrator does: it exits, and every run it
/// says it finished is in its database. (Timings are measured by deploy/measure-shutdown.sh, not here.)
/// </summary>
public sealed class GracefulShutdownTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const int Tests = 1500;

    [Fact]
    public async Task On_SIGTERM_the_console_exits_and_every_finished_run_is_stored()
    {
        await using var targets = await LoopbackTargets.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "console.db");
        await SeedAsync(database, targets);

        var lines = new ConcurrentQueue<string>();
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BlazorAwsConsole.dll"));
        foreach (var setting in new[]
        {
            "urls=http://127.0.0.1:0", $"Aws:ServiceUrl={moto.Endpoint}", "Sandbox:StartMoto=false", "Sandbox:SeedDemoFleet=false",
            "Access:SandboxDemoAdmin=false", $"ConnectionStrings:Console=Data Source={database}", "Fleet:PollOnSchedule=false",
            "JumpServers:EnforceTtlOnSchedule=false", "Logging:Json=false", "Logging:LogLevel:Default=Warning",
            "Logging:LogLevel:BlazorAwsConsole.Probes=Information", "Logging:LogLevel:BlazorAwsConsole.Infrastructure=Information",
            "Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
        }) info.ArgumentList.Add("--" + setting);
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitUntilAsync(() => lines.Any(l => l.Contains("Application started")), process, lines, "the console to start");
            // Runs are being stored, and some slow ones are in flight, when the signal comes.
            await WaitUntilAsync(() => CountResults(database) >= 200 && targets.Requests > 0, process, lines, "200 stored runs");

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync();

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        var log = string.Join('\n', lines);
        process.ExitCode.Should().Be(0, log);
        var finished = long.Parse(Regex.Match(log, @"Probe engine stopped: (\d+) runs finished").Groups[1].Value);
        var stored = long.Parse(Regex.Match(log, @"Probe result writer stopped: (\d+) results stored").Groups[1].Value);
        finished.Should().BeGreaterThanOrEqualTo(200);
        stored.Should().Be(finished, "every run that finished was stored before the console exited");
        CountResults(database).Should().Be(finished, "the database holds every finished run, from this start only");
        log.Should().Contain("Scheduler stopped taking triggers");
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Many port tests every 10 s, and every 25th an HTTP test whose target answers only after 8 s.</summary>
    private static async Task SeedAsync(string database, LoopbackTargets targets)
    {
        var options = new DbContextOptionsBuilder<ConsoleDbContext>().UseSqlite($"Data Source={database}").Options;
        await using var db = new ConsoleDbContext(options);
        await db.Database.MigrateAsync();
        for (var i = 0; i < Tests; i++)
        {
            db.SyntheticTests.Add(i % 25 == 0
                ? new SyntheticTest { Name = $"slow {i}", Type = ProbeType.Http, Target = targets.HttpUrl("/slow/8000"), FrequencySeconds = 10, TimeoutSeconds = 20 }
                : new SyntheticTest { Name = $"port {i}", Type = ProbeType.Port, Target = "127.0.0.1", Port = targets.OpenPort, FrequencySeconds = 10, TimeoutSeconds = 5 });
        }
        await db.SaveChangesAsync();
        SqliteConnection.ClearAllPools();
    }

    private static long CountResults(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM ProbeResults";
        return (long)command.ExecuteScalar()!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Process process, ConcurrentQueue<string> lines, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!condition())
        {
            if (process.HasExited) throw new InvalidOperationException($"the console exited with {process.ExitCode} waiting for {what}:\n{string.Join('\n', lines)}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {what} within 120 s:\n{string.Join('\n', lines.TakeLast(50))}");
            await Task.Delay(200);
        }
    }
}
