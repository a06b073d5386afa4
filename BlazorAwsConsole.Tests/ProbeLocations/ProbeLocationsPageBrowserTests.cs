using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using BlazorAwsConsole.ProbeLocations;
using BlazorAwsConsole.ProbeLocations.AgentLaunch;
using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.JumpServers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.ProbeLocations;

/// <summary>Settings > Probe locations in headless Chromium: add a location by keyboard, make, rotate and revoke its agent tokens.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProbeLocationsPageBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _console = await ConsoleHost.StartAsync(_moto, "Probes:RunOnSchedule=false");
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_adds_a_location_by_keyboard_then_makes_rotates_and_revokes_a_token()
    {
        var page = await browser.OpenAsync(_console, "/settings/probe-locations");
        await Expect(page.GetByTestId("locations-table")).ToContainTextAsync("the console's nodes");
        await Axe.AssertNoViolationsAsync(page, "the probe locations page");

        await page.GetByTestId("location-add").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("location-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("location-name").FocusAsync();
        await page.Keyboard.TypeAsync("eu-west-1 prod VPC");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Ireland");
        await page.GetByTestId("location-save").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("location-dialog")).ToContainTextAsync("AWS region code");
        await Axe.AssertNoViolationsAsync(page, "the location dialog with a refusal under its field");

        await page.GetByTestId("location-region").FillAsync("eu-west-1");
        await page.GetByTestId("location-save").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("location-title")).ToHaveTextAsync("eu-west-1 prod VPC");
        await Expect(page.GetByTestId("location-fields")).ToContainTextAsync("eu-west-1");

        await page.GetByTestId("token-name").FillAsync("agent ip-10-0-1-5");
        await page.GetByTestId("token-create").ClickAsync();
        var shown = page.GetByTestId("token-new").Locator("code");
        await Expect(shown).ToContainTextAsync(LocationTokenService.TokenPrefix);
        var first = await shown.TextContentAsync();
        (await _console.Get<LocationTokenService>().ValidateAsync(first!, CancellationToken.None)).Should().NotBeNull("the token shown is the one that works");
        await Axe.AssertNoViolationsAsync(page, "a location's page with a new token");

        var row = page.Locator("[data-testid^=token-row-]");
        var id = (await row.GetAttributeAsync("data-testid"))!["token-row-".Length..];
        await page.GetByTestId($"token-rotate-{id}").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Rotate", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId($"token-status-{id}")).ToContainTextAsync("rotated: good until");
        await Expect(shown).Not.ToHaveTextAsync(first!);

        await page.GetByTestId($"token-revoke-{id}").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId($"token-status-{id}")).ToContainTextAsync("revoked");
        (await _console.Get<LocationTokenService>().ValidateAsync(first!, CancellationToken.None)).Should().BeNull();

        await page.GetByTestId("location-delete").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("locations-table")).Not.ToContainTextAsync("eu-west-1 prod VPC");
    }

    [Fact]
    public async Task An_admin_launches_an_agent_from_the_locations_page_by_keyboard_and_sees_its_instance()
    {
        var added = await _console.Http.PostAsJsonAsync("/api/probe-locations", new { name = "us-west-2 lab", region = "us-west-2" });
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var ec2 = _moto.Ec2("us-west-2");
        var ami = await Templates.AmiAsync(ec2);
        var page = await browser.OpenAsync(_console, $"/settings/probe-locations/{id}");

        await page.GetByTestId("agent-launch").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByTestId("agent-launch-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.GetByTestId("agent-launch-region")).ToHaveValueAsync("us-west-2");
        await page.GetByTestId("agent-launch-submit").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToContainTextAsync("amiId must be an AMI id");
        await Axe.AssertNoViolationsAsync(page, "the launch-an-agent dialog with refusals under its fields");

        await page.GetByTestId("agent-launch-ami").FocusAsync();
        await page.Keyboard.TypeAsync(ami);
        await page.GetByTestId("agent-launch-server").FillAsync("https://console.example");
        await page.GetByTestId("agent-launch-submit").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var instanceId = await page.GetByTestId("agent-launch-instance").TextContentAsync(new() { Timeout = 30_000 });
        instanceId.Should().StartWith("i-");
        (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId!] })).Reservations.Should().ContainSingle();
        using var ssm = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("test", "test"),
            new AmazonSimpleSystemsManagementConfig { ServiceURL = _moto.Endpoint, AuthenticationRegion = "us-west-2" });
        var stored = await ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = AgentLauncher.ParameterRoot, Recursive = true, WithDecryption = true });
        var token = stored.Parameters.Should().ContainSingle().Which.Value;
        (await page.ContentAsync()).Should().NotContain(token, "the token goes to Parameter Store, not to the page");
        await page.GetByTestId("agent-launch-close").ClickAsync();
        await Expect(page.GetByTestId("tokens-table")).ToContainTextAsync("launched agent");
    }
}
