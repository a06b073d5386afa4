using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Fleet.Components;
using BlazorAwsConsole.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// bUnit with the console's real services: a real snapshot and live feed, a real SQLite file for
/// the change log. AWS is never called by these tests (actions are covered against moto elsewhere).
/// </summary>
public abstract class ComponentContext : BunitContext, IAsyncLifetime
{
    private bool _disposedAsync;
    private IRenderedComponent<Bunit.Rendering.ContainerFragment>? _providers;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"));

    protected ComponentContext()
    {
        // bUnit's 1 s default is too short when the whole suite loads 2 cores (a live region's first render took
        // longer in a fresh-clone run); a wait ends as soon as its assertion holds, so a long limit costs nothing.
        DefaultWaitTimeout = TimeSpan.FromSeconds(15);
        Directory.CreateDirectory(_folder);
        JSInterop.Mode = JSRuntimeMode.Loose;
        var authorization = Authorization = AddAuthorization();
        authorization.SetAuthorized("tester");
        authorization.SetRoles(ConsoleRoles.Admin);
        authorization.SetPolicies(Policies.CanView, Policies.CanOperate, Policies.CanAdminister);
        Services.AddMudServices();
        Services.AddLogging();
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<LiveFeed>();
        Services.AddSingleton(Options.Create(new AwsOptions { ServiceUrl = "http://127.0.0.1:9" }));
        Services.AddSingleton(Options.Create(new FleetOptions()));
        Services.AddSingleton<AwsClientFactory>();
        Services.AddDbContextFactory<ConsoleDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(_folder, "c.db")}"));
        Services.AddSingleton<FleetSnapshot>();
        Services.AddSingleton<Ec2Inventory>();
        Services.AddSingleton<ReadPacing>();
        Services.AddSingleton<FleetSyncService>();
        Services.AddSingleton<AuditLog>();
        Services.AddScoped<CircuitAddress>();
        Services.AddSingleton(Options.Create(new BlazorAwsConsole.Cluster.ClusterOptions()));
        Services.AddSingleton<InstanceActionLocks>();
        Services.AddSingleton<InstanceActionService>();
        Services.AddSingleton<FleetQueries>();
        Services.AddScoped<InstanceActionRunner>();
    }

    /// <summary>The signed-in test user (an Admin with every policy unless a test changes it).</summary>
    protected Bunit.TestDoubles.BunitAuthorizationContext Authorization { get; }

    protected FleetSnapshot Snapshot => Services.GetRequiredService<FleetSnapshot>();
    protected LiveFeed Feed => Services.GetRequiredService<LiveFeed>();

    protected async Task<ConsoleDbContext> DatabaseAsync()
    {
        var db = await Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
        return db;
    }

    /// <summary>Renders a page the way the layout does: with MudBlazor's providers around it.</summary>
    protected IRenderedComponent<TPage> RenderPage<TPage>(Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : IComponent
    {
        _providers ??= Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(2);
            builder.CloseComponent();
        });
        return Render(parameters ?? (_ => { }));
    }

    public static Instance Instance(string id, string name, string region = "us-east-1", string state = "running",
        params (string Key, string Value)[] tags) => new()
    {
        InstanceId = id,
        Name = name,
        Region = region,
        State = state,
        InstanceType = "t3.micro",
        PrivateIp = "10.0.0." + (id.Length % 200),
        Tags = new Dictionary<string, string>(tags.Select(t => KeyValuePair.Create(t.Key, t.Value)).Append(KeyValuePair.Create("Name", name))),
        FirstSeen = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
        StateChangedAt = DateTime.UtcNow,
    };

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that only dispose asynchronously, so the container must be disposed that way.
    async Task IAsyncLifetime.DisposeAsync()
    {
        _disposedAsync = true;
        await base.DisposeAsync();
        try { Directory.Delete(_folder, true); } catch (IOException) { }
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposedAsync) base.Dispose(disposing);
    }
}
