using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Alerts;
using BlazorAwsConsole.Alerts.Channels;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Alerts.Escalation;

/// <summary>
/// One console (SQLite) for a test class, on a clock the tests move, its notifications recorded with their channels;
/// and the steps every scenario takes: a channel, a failing test, a rule, the alert it fires.
/// </summary>
public sealed class EscalationConsole : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    public LoopbackTargets Targets { get; private set; } = null!;
    public ConsoleHost Console { get; private set; } = null!;
    public RecordingNotifier Notifier { get; } = new();
    public TestClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        Targets = await LoopbackTargets.StartAsync();
        Console = await ConsoleHost.StartAsync(_moto, ConsoleDatabase.Sqlite, builder =>
            {
                builder.Services.AddSingleton<IAlertNotifier>(Notifier);
                builder.Services.AddSingleton<TimeProvider>(Clock);
            },
            "Probes:RunOnSchedule=false", "Alerts:EvaluateSeconds=1");
    }

    public async Task DisposeAsync()
    {
        await Console.DisposeAsync();
        await Targets.DisposeAsync();
        await _moto.DisposeAsync();
    }

    public async Task<int> CreateAsync(string path, object body)
    {
        var response = await Console.Http.PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    public Task<int> ChannelAsync(string name) =>
        CreateAsync("/api/alert-channels", new { name = $"{name}-{Guid.NewGuid():n}"[..30], kind = "Webhook", url = "http://127.0.0.1:9/hook" });

    /// <summary>A disabled HTTP test against a 500 (or 200) page, run by hand.</summary>
    public Task<int> TestAsync(string name, bool failing = true) =>
        CreateAsync("/api/synthetic/tests", new { name, type = "http", target = Targets.HttpUrl(failing ? "/status/500" : "/status/200"), enabled = false });

    public async Task SetFailingAsync(int test, bool failing) =>
        (await Console.Http.PutAsJsonAsync($"/api/synthetic/tests/{test}", new { target = Targets.HttpUrl(failing ? "/status/500" : "/status/200") })).EnsureSuccessStatusCode();

    public async Task RunAsync(int test) => (await Console.Http.PostAsync($"/api/synthetic/tests/{test}/run", null)).EnsureSuccessStatusCode();

    /// <summary>One evaluation with what follows it (reminders, escalation), as the console's timer makes.</summary>
    public Task EvaluateAsync() => Console.Get<AlertEngine>().EvaluateAsync(CancellationToken.None);

    /// <summary>Runs the test once (it fails), evaluates, and returns the alert the rule fired.</summary>
    public async Task<long> FireAsync(int test, int rule)
    {
        await RunAsync(test);
        await EvaluateAsync();
        var alerts = await Console.Http.GetFromJsonAsync<JsonElement>($"/api/alerts?ruleId={rule}&status=open");
        return alerts.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetInt64();
    }

    /// <summary>Moves the clock, then evaluates (twice at once, as a timer and a request might: a claim keeps each message single).</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await Task.WhenAll(EvaluateAsync(), EvaluateAsync());
    }

    public List<(AlertNotification Notification, IReadOnlyList<int>? ChannelIds)> SentFor(long alert) =>
        Notifier.Addressed.Where(n => n.Notification.AlertId == alert).ToList();

    public async Task<JsonElement> AlertAsync(long alert) => await Console.Http.GetFromJsonAsync<JsonElement>($"/api/alerts/{alert}");
}
