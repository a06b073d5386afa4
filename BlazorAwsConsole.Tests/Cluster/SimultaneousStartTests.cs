using Amazon.EC2.Model;
using BlazorAwsConsole.Sandbox;
using BlazorAwsConsole.Tests.Fixtures;
using Npgsql;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Cluster;

/// <summary>
/// What deploy/compose.yaml does: two or three console processes started at the same instant on an empty PostgreSQL
/// database (Sandbox mode, one moto for all). Each migrates (one at a time, under the migration lock) and then seeds:
/// the configured regions, the roles and the Sandbox demo admin, the demo tests and rules, and the demo fleet in moto.
/// Every node must come up, and everything seeded must be there once. Repeated with a fresh database and a reset moto,
/// because a race is not caught by one lucky start. Moto and PostgreSQL are started once for the class.
/// </summary>
[Collection(TwoNodeCollection.Name)]
public sealed class SimultaneousStartTests(MotoFixture moto, PostgresServer postgres, ITestOutputHelper output)
    : IClassFixture<MotoFixture>, IClassFixture<PostgresServer>
{
    private const int DemoPerRegion = 1;

    [Fact]
    public async Task Nodes_started_together_on_an_empty_database_all_start_and_seed_everything_once()
    {
        // Two, then three, then three again: each round a fresh database and an empty moto.
        foreach (var (nodes, round) in new[] { 2, 3, 3 }.Select((n, i) => (n, i + 1)))
        {
            await moto.ResetAsync();
            await TwoNodeCluster.WarmAsync(moto);
            await using var database = await postgres.CreateAsync();
            string[] settings =
            [
                $"Aws:ServiceUrl={moto.Endpoint}",
                "Aws:MaxAttempts=1",
                "Sandbox:StartMoto=false",
                "Sandbox:SeedDemoFleet=true",
                $"Sandbox:DemoInstancesPerRegion={DemoPerRegion}",
                "Access:SandboxDemoAdmin=true",
                "JumpServers:EnforceTtlOnSchedule=false",
                $"Quartz:SchedulerName=together-{Guid.NewGuid():n}",
                "Logging:LogLevel:Default=Warning",
                "Logging:LogLevel:BlazorAwsConsole=Information",
                .. database.Settings,
            ];
            // Started back to back (a process start is a few milliseconds), so their start-ups overlap.
            var started = Enumerable.Range(1, nodes).Select(n => ConsoleProcess.Start($"node-{n}", [.. settings, $"Cluster:NodeName=node-{n}"])).ToList();
            try
            {
                await Task.WhenAll(started.Select(node => node.WaitReadyAsync(TimeSpan.FromSeconds(180))));
                output.WriteLine($"round {round}: {nodes} nodes started together, all ready");

                (await CountAsync(database, """SELECT count(*) FROM "Regions" """)).Should().Be(TwoNodeCluster.Regions.Length);
                (await CountAsync(database, """SELECT count(*) FROM "AspNetRoles" """)).Should().Be(3, "Viewer, Operator and Admin, once each");
                (await CountAsync(database, """SELECT count(*) FROM "AspNetUsers" """)).Should().Be(1, "one demo admin");
                (await CountAsync(database, """SELECT count(*) FROM "SyntheticTests" """)).Should().Be(4, "the four demo tests, once");
                (await CountAsync(database, """SELECT count(*) FROM "AlertRules" """)).Should().Be(2, "the two demo rules, once");
                (await CountAsync(database, """SELECT count(*) FROM "ProbeLocations" WHERE "IsConsole" """)).Should().Be(1, "the console's own probe location, once");
                foreach (var region in TwoNodeCluster.Regions)
                {
                    using var ec2 = moto.Ec2(region);
                    var demo = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("tag-key", [DemoFleetSeeder.MarkerTag])] });
                    (demo.Reservations ?? []).SelectMany(r => r.Instances).Should().HaveCount(DemoPerRegion, $"the demo fleet is seeded once in {region}");
                }
            }
            catch
            {
                foreach (var node in started) output.WriteLine(node.Output);
                throw;
            }
            finally
            {
                foreach (var node in started) await node.DisposeAsync();
            }
        }
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
