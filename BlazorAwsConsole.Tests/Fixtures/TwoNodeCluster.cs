using System.Net.Http.Headers;
using BlazorAwsConsole.Access;
using Xunit.Abstractions;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// Two console processes (<c>node-a</c>, <c>node-b</c>) on one private PostgreSQL database, sharing Quartz's
/// clustered job store (same <c>Quartz:SchedulerName</c>), behind Debian's nginx running the shipped
/// deploy/nginx.conf, all on loopback: the cluster an operator runs, as the README's "Run more than one node" says.
/// The database is migrated and an Admin API key made by the executable's own CLI (`apikey create`) before any node
/// starts; <see cref="Http"/> goes through nginx, <see cref="ClientOf"/> to one node directly.
/// </summary>
/// <remarks>
/// A cluster takes a minute or more to start on a loaded machine: a scenario that leaves the cluster as it found it
/// (its own instances, rules and channels) goes into TwoNodeSharedClusterTests, which shares one cluster between its
/// scenarios; one that changes the cluster for good (kills a node, loads it with tests) starts its own with
/// <c>await using var cluster = await TwoNodeCluster.StartAsync(moto, postgres, ...)</c>, then acts through
/// <see cref="NodeA"/>/<see cref="NodeB"/>/<see cref="Nginx"/> and looks at the other node. A browser on one node
/// opens <c>node.BaseAddress</c> with BrowserFixture's <c>OpenAsync(address, path, user, password)</c> after a user is
/// made through the API, and PageWatch measures a live change there. Extra settings for both nodes go in
/// <paramref name="settings"/> of <see cref="StartAsync"/>. Wrap a test's body in <see cref="RunAsync"/> so the nodes'
/// output lands in the test output on failure.
/// </remarks>
public sealed class TwoNodeCluster : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly string _adminKey;
    private readonly List<HttpClient> _clients = [];

    private TwoNodeCluster(TestDatabase database, string adminKey, string schedulerName, ConsoleProcess nodeA)
    {
        _database = database;
        _adminKey = adminKey;
        SchedulerName = schedulerName;
        NodeA = nodeA;
    }

    public ConsoleProcess NodeA { get; }
    public ConsoleProcess NodeB { get; private set; } = null!;
    public NginxProxy Nginx { get; private set; } = null!;
    public string SchedulerName { get; }
    public string ConnectionString => _database.ConnectionString;

    /// <summary>An Admin API client through nginx.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>
    /// Starts the cluster. <paramref name="beforeNodeB"/> runs with an Admin client on node A before node B starts, so
    /// what it makes is in the database when node B first reads it (not only relayed to B by a cluster notice).
    /// </summary>
    /// <param name="settings">Extra "Key=Value" settings for both nodes (they win over the defaults).</param>
    public static async Task<TwoNodeCluster> StartAsync(MotoFixture moto, PostgresServer postgres, Func<HttpClient, Task>? beforeNodeB = null, params string[] settings)
    {
        await WarmAsync(moto);
        var database = await postgres.CreateAsync();
        var schedulerName = $"two-node-{Guid.NewGuid():n}";
        string[] shared =
        [
            "environment=Development",
            $"Aws:ServiceUrl={moto.Endpoint}",
            "Aws:MaxAttempts=1",
            "Aws:TimeoutSeconds=5",
            "Sandbox:StartMoto=false",
            "Sandbox:SeedDemoFleet=false",
            "Access:SandboxDemoAdmin=false",
            // Polls on (they are one of the clustered triggers), often, so a takeover shows within the test.
            "Fleet:PollIntervalSeconds=10",
            "JumpServers:EnforceTtlOnSchedule=false",
            $"Quartz:SchedulerName={schedulerName}",
            "Logging:LogLevel:Default=Warning",
            "Logging:LogLevel:BlazorAwsConsole=Information",
            .. database.Settings,
            .. settings,
        ];
        var key = await ConsoleCli.RunAsync(["apikey", "create", "--role", ConsoleRoles.Admin, "--name", "two-node-tests", .. shared.Select(s => "--" + s)]);
        if (key.ExitCode != 0)
        {
            await database.DisposeAsync();
            throw new InvalidOperationException($"apikey create exited with {key.ExitCode}: {key.Stderr}");
        }
        ConsoleProcess nodeA;
        try
        {
            nodeA = await StartNodeAsync("node-a", shared);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
        var cluster = new TwoNodeCluster(database, key.Stdout.Trim(), schedulerName, nodeA);
        try
        {
            if (beforeNodeB is not null) await beforeNodeB(cluster.ClientOf(cluster.NodeA));
            cluster.NodeB = await StartNodeAsync("node-b", shared);
            cluster.Nginx = await NginxProxy.StartAsync([cluster.NodeA.BaseAddress, cluster.NodeB.BaseAddress]);
            cluster.Http = cluster.ClientFor(cluster.Nginx.BaseAddress);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a node and waits until it is ready; a node that exits while starting is started again (at most three tries).</summary>
    private static async Task<ConsoleProcess> StartNodeAsync(string name, string[] settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            var node = ConsoleProcess.Start(name, [.. settings, $"Cluster:NodeName={name}"]);
            try
            {
                await node.WaitReadyAsync(TimeSpan.FromSeconds(180));
                return node;
            }
            catch (InvalidOperationException) when (attempt < 3 && node.HasExited)
            {
                // Seen on a machine at load 60: the start-up check that moto answers (2 s) missed and the node exited
                // with "No moto server answers". A supervisor (systemd, compose) starts it again; so do the tests, twice at most.
                await node.DisposeAsync();
            }
            catch
            {
                await node.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>The regions the console watches by default (appsettings.json's Fleet:Regions).</summary>
    public static readonly string[] Regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];

    /// <summary>
    /// Moto builds a region's EC2 state on its first request to it (about 12 s for four regions at once on a loaded
    /// 2-core machine), longer than the readiness check's 3 s: ask every watched region once, without a deadline, first.
    /// </summary>
    public static async Task WarmAsync(MotoFixture moto) => await Task.WhenAll(Regions.Select(async region =>
    {
        using var ec2 = moto.Ec2(region);
        await ec2.DescribeAvailabilityZonesAsync(new Amazon.EC2.Model.DescribeAvailabilityZonesRequest());
    }));

    /// <summary>An Admin API client to one node directly.</summary>
    public HttpClient ClientOf(ConsoleProcess node) => ClientFor(node.BaseAddress);

    /// <summary>What the nodes and nginx said, for a failing test.</summary>
    public string Diagnostics => string.Join('\n', new[] { NodeA.Output, NodeB?.Output ?? "--- node-b not started", Nginx?.Diagnostics ?? "nginx not started" });

    /// <summary>Runs a test's body; when it fails, the nodes' output goes to the test output before the failure.</summary>
    public async Task RunAsync(ITestOutputHelper output, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch
        {
            output.WriteLine(Diagnostics);
            throw;
        }
    }

    private HttpClient ClientFor(Uri address)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        lock (_clients) _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_clients) _clients.ForEach(c => c.Dispose());
        if (Nginx is not null) await Nginx.DisposeAsync();
        if (NodeB is not null) await NodeB.DisposeAsync();
        await NodeA.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>
/// The two-node test classes, one after another (each cluster is two console processes, a moto and a PostgreSQL:
/// three at once overloaded a shared 2-core machine until nodes missed their start-up checks), beside every other collection.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TwoNodeCollection
{
    public const string Name = "Two nodes";
}
