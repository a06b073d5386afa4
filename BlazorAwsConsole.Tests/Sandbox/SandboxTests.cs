using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Sandbox;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Sandbox;

public sealed class SandboxTests
{
    [Fact]
    public async Task Without_moto_the_console_says_in_one_line_how_to_install_it()
    {
        var port = MotoFixture.FreePort();
        var app = Program.Build([$"--Aws:ServiceUrl=http://127.0.0.1:{port}", "--Sandbox:Python=python3-that-does-not-exist"]);
        await using var _ = app;

        var problem = await app.Services.GetRequiredService<SandboxLauncher>().PrepareAsync(CancellationToken.None);

        problem.Should().Be(MotoServer.InstallHint);
        problem.Should().NotContain("\n").And.Contain("pip install 'moto[server]'");
    }

    [Fact]
    public async Task The_console_starts_moto_itself_and_seeds_a_demo_fleet_once()
    {
        var port = MotoFixture.FreePort();
        var folder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"));
        string[] settings =
        [
            $"--Aws:ServiceUrl=http://127.0.0.1:{port}",
            $"--ConnectionStrings:Console=Data Source={Path.Combine(folder, "console.db")}",
            "--Fleet:PollOnSchedule=false",
            $"--Quartz:SchedulerName=sandbox-{Guid.NewGuid():n}",
            "--urls=http://127.0.0.1:0",
        ];
        var app = Program.Build(settings);
        await using (app)
        {
            var launcher = app.Services.GetRequiredService<SandboxLauncher>();
            (await launcher.PrepareAsync(CancellationToken.None)).Should().BeNull();
            // The demo fleet is seeded as the console starts (after the migrations, under the start-up lock).
            await app.StartAsync();
            (await app.Services.GetRequiredService<DemoFleetSeeder>().SeedAsync(CancellationToken.None))
                .Should().Be(0, "a moto that already holds the demo fleet is not seeded again");

            var report = await app.Services.GetRequiredService<FleetSyncService>().SyncAsync(force: true);

            var instances = app.Services.GetRequiredService<FleetSnapshot>().Instances.ToList();
            report.Regions.Should().HaveCount(4).And.OnlyContain(r => r.Error == null);
            instances.Should().HaveCountGreaterThanOrEqualTo(40);
            instances.Select(i => i.Region).Distinct().Should().HaveCountGreaterThanOrEqualTo(4);
            instances.Should().OnlyContain(i => i.Tags.ContainsKey("Name") && i.Tags.ContainsKey("env") && i.Tags.ContainsKey("team"));
            instances.Should().Contain(i => i.State == "stopped").And.Contain(i => i.State == "running");

            // Something to watch besides the fleet: the four demo tests (HTTP, port, ping, traceroute: Sandbox has
            // no DNS server or TLS endpoint of its own to point a demo at), and rules that fire on the demo fleet.
            var tests = app.Services.GetRequiredService<BlazorAwsConsole.Probes.ProbeCatalog>().Tests.ToList();
            tests.Select(t => t.Type).Should().BeEquivalentTo(new[]
            {
                BlazorAwsConsole.Probes.ProbeType.Http, BlazorAwsConsole.Probes.ProbeType.Port,
                BlazorAwsConsole.Probes.ProbeType.Ping, BlazorAwsConsole.Probes.ProbeType.Traceroute,
            });
            var portTest = tests.Single(t => t.Type == BlazorAwsConsole.Probes.ProbeType.Port);
            var result = await app.Services.GetRequiredService<BlazorAwsConsole.Probes.ProbeEngine>().RunNowAsync(portTest.Id, CancellationToken.None);
            result!.Success.Should().BeTrue(result.Reason);
            var engine = app.Services.GetRequiredService<BlazorAwsConsole.Alerts.AlertEngine>();
            await engine.EvaluateAsync(CancellationToken.None);
            var board = app.Services.GetRequiredService<BlazorAwsConsole.Alerts.AlertBoard>();
            board.Open.Should().Contain(a => a.RuleName == "Prod instance stopped", "the demo fleet has stopped prod instances");
            await app.StopAsync();
        }

        // A second start on the same database seeds nothing twice.
        var again = Program.Build(settings);
        await using (again)
        {
            (await again.Services.GetRequiredService<SandboxLauncher>().PrepareAsync(CancellationToken.None)).Should().BeNull();
            await again.StartAsync();
            again.Services.GetRequiredService<BlazorAwsConsole.Probes.ProbeCatalog>().Count.Should().Be(4);
            await again.StopAsync();
        }
        // Disposing the console stops the moto it started.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await FluentActions.Awaiting(() => http.GetAsync($"http://127.0.0.1:{port}/moto-api/")).Should().ThrowAsync<HttpRequestException>();
    }
}
