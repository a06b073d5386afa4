using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>What each role sees and may do, in a real browser, and the access log that records it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RolesBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;
    private string _id = "";

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _id = await Ec2Fleet.LaunchAsync(_moto.Ec2("us-east-1"), "role-target");
        _console = await ConsoleHost.StartAsync(_moto);
        await _console.SyncAsync();
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task Viewer_sees_no_actions_operator_stops_but_cannot_terminate_admin_terminates_and_reads_it_all_in_the_access_log()
    {
        var viewer = await browser.OpenAsync(_console, $"/instances/{_id}", ConsoleRoles.Viewer);
        await Expect(viewer.GetByTestId("instance-state")).ToHaveTextAsync("running");
        await Expect(viewer.GetByTestId("detail-stop")).ToHaveCountAsync(0);
        await Expect(viewer.GetByTestId("detail-terminate")).ToHaveCountAsync(0);
        await Expect(viewer.GetByTestId("nav-access-log")).ToHaveCountAsync(0);

        var operatorPage = await browser.OpenAsync(_console, $"/instances/{_id}", ConsoleRoles.Operator);
        await Expect(operatorPage.GetByTestId("detail-terminate")).ToHaveCountAsync(0);
        await operatorPage.GetByTestId("detail-stop").ClickAsync();
        await operatorPage.GetByTestId("confirm-action").ClickAsync();
        await Expect(operatorPage.GetByTestId("instance-state")).ToHaveTextAsync("stopped");
        await Expect(viewer.GetByTestId("instance-state")).ToHaveTextAsync("stopped");

        var admin = await browser.OpenAsync(_console, $"/instances/{_id}", ConsoleRoles.Admin);
        await admin.GetByTestId("detail-terminate").ClickAsync();
        await admin.GetByTestId("confirm-text").FillAsync(_id);
        await admin.GetByTestId("confirm-action").ClickAsync();
        await Expect(admin.GetByTestId("instance-state")).ToHaveTextAsync("terminated");

        await admin.GetByTestId("nav-access-log").ClickAsync();
        var log = admin.GetByTestId("access-log");
        await Expect(log).ToContainTextAsync("instance.stop");
        await Expect(log).ToContainTextAsync("instance.terminate");
        await Expect(log.Locator("tr.audit-row", new() { HasText = "sign-in" })).ToHaveCountAsync(3);
    }

    [Fact]
    public async Task A_viewer_who_opens_the_access_log_is_turned_away()
    {
        var viewer = await browser.OpenAsync(_console, "/fleet", ConsoleRoles.Viewer);

        await viewer.GotoAsync(new Uri(_console.BaseAddress, "/settings/access-log").ToString());

        await Expect(viewer.GetByTestId("access-denied")).ToBeVisibleAsync();
    }
}
