using BlazorAwsConsole.Tests.Fixtures;
using BlazorAwsConsole.Tests.JumpServers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.EndToEnd;

/// <summary>A jump server's whole life in real headless Chromium against the real console and moto.</summary>
[Collection(BrowserCollection.Name)]
public sealed class JumpServerBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    // The template dialog preselects the first watched region by code.
    private const string Region = "ap-southeast-2";
    private readonly MotoFixture _moto = new();
    private ConsoleHost _console = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        _console = await ConsoleHost.StartAsync(_moto);
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task Create_a_template_launch_a_jump_server_see_it_in_the_fleet_live_copy_its_SSH_command_and_terminate_it()
    {
        var ami = await Templates.AmiAsync(_moto.Ec2(Region));
        var fleet = await browser.OpenAsync(_console, "/fleet");
        var page = await browser.OpenAsync(_console, "/jump-servers/templates");
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);

        await page.GetByTestId("new-template").ClickAsync();
        await page.GetByTestId("template-name").FillAsync("e2e-bastion");
        await page.GetByTestId("template-ami").FillAsync("ami-0000000000000000f");
        await page.GetByTestId("template-type").FillAsync("t3.micro");
        await page.GetByTestId("add-rule").ClickAsync();
        await page.GetByTestId("rule-0-cidr").FillAsync("0.0.0.0/0");
        await Expect(page.GetByTestId("open-to-world-warning")).ToContainTextAsync("SSH");
        await page.GetByTestId("rule-0-cidr").FillAsync("203.0.113.0/24");
        await Expect(page.GetByTestId("open-to-world-warning")).ToHaveCountAsync(0);
        await page.GetByTestId("template-save").ClickAsync();

        // The AMI does not exist in the region: the message is on the AMI field and nothing is saved.
        await Expect(page.GetByTestId("template-dialog")).ToContainTextAsync($"does not exist in {Region}");
        await page.GetByTestId("template-ami").FillAsync(ami);
        await page.GetByTestId("template-save").ClickAsync();
        await Expect(page.GetByTestId("template-e2e-bastion")).ToContainTextAsync("tcp/22 from 203.0.113.0/24");

        await page.GetByTestId("launch-e2e-bastion").ClickAsync();
        await Expect(page.GetByTestId("launch-done")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("launch-step")).ToHaveCountAsync(6);
        await Expect(page.Locator("[data-testid=launch-step][data-status=done]")).ToHaveCountAsync(6);
        var instanceId = (await page.GetByTestId("launched-instance").TextContentAsync())!.Trim();

        // The other browser shows it running without a poll (the scheduled poll is off in tests).
        await Expect(fleet.GetByTestId($"state-{instanceId}")).ToHaveTextAsync("running");

        await page.GetByTestId("launch-close").ClickAsync();
        // Blazor navigates in the page (no load event), so poll the address rather than wait for a load.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/jump-servers$"));
        var command = page.GetByTestId($"jump-connect-{instanceId}");
        await Expect(command).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^ssh ec2-user@\d+\.\d+\.\d+\.\d+$"));
        await page.GetByTestId($"jump-connect-{instanceId}-copy").ClickAsync();
        await Expect(page.Locator(".mud-snackbar", new() { HasText = "Command copied" })).ToBeVisibleAsync();
        (await page.EvaluateAsync<string>("navigator.clipboard.readText()")).Should().Be(await command.TextContentAsync());
        await Expect(page.GetByTestId($"jump-left-{instanceId}")).ToContainTextAsync("then stop");

        await page.GetByTestId($"jump-terminate-{instanceId}").ClickAsync();
        await page.GetByTestId("confirm-text").FillAsync(instanceId);
        await page.GetByTestId("confirm-action").ClickAsync();

        await Expect(page.GetByTestId($"jump-{instanceId}")).ToHaveCountAsync(0);
        await Expect(fleet.GetByTestId($"state-{instanceId}")).ToHaveTextAsync("terminated");
        (await Ec2Fleet.StateAsync(_moto.Ec2(Region), instanceId)).Should().Be("terminated");
    }

    [Fact]
    public async Task Clone_an_instance_from_its_page_and_launch_a_new_one_prefilled_from_a_template()
    {
        var sourceId = await Ec2Fleet.LaunchAsync(_moto.Ec2(Region), "clone-me", ("env", "prod"));
        await _console.SyncAsync();
        await Templates.CreateAsync(_console, await Templates.ValidAsync(_moto, Region, "prefill"));

        var page = await browser.OpenAsync(_console, $"/instances/{sourceId}");
        await page.GetByTestId("detail-clone").ClickAsync();
        await Expect(page.GetByTestId("clone-fields")).ToContainTextAsync("env=prod");
        await page.GetByTestId("clone-name").FillAsync("clone-me-copy");
        await page.GetByTestId("clone-launch").ClickAsync();
        await Expect(page.GetByTestId("instance-title")).ToHaveTextAsync("clone-me-copy");
        var cloneId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        cloneId.Should().NotBe(sourceId);
        (await Ec2Fleet.StateAsync(_moto.Ec2(Region), cloneId)).Should().Be("running");

        var fleet = await browser.OpenAsync(_console, "/fleet");
        await fleet.GetByTestId("launch-instance").ClickAsync();
        await fleet.GetByTestId("launch-instance-template").ClickAsync();
        await fleet.GetByText("prefill (v1, ap-southeast-2)").ClickAsync();
        await Expect(fleet.GetByTestId("launch-instance-type")).ToHaveValueAsync("t3.micro");
        await fleet.GetByTestId("launch-instance-name").FillAsync("from-prefill");
        await fleet.GetByTestId("launch-instance-submit").ClickAsync();
        // A launch is several EC2 calls (image, subnet, RunInstances, tags); moto on a loaded machine takes more than the default 5 s.
        await Expect(fleet.Locator(".mud-snackbar", new() { HasText = "Launched i-" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await fleet.GetByTestId("fleet-filter").FillAsync("from-prefill");
        await Expect(fleet.Locator("tr.instance-row")).ToHaveCountAsync(1);
        await Expect(fleet.Locator("tr.instance-row")).ToContainTextAsync("running");
    }

    [Fact]
    public async Task A_launch_with_the_subnet_cleared_goes_to_the_default_subnet_of_the_chosen_zone()
    {
        await Templates.CreateAsync(_console, await Templates.ValidAsync(_moto, Region, "zoned"));
        var fleet = await browser.OpenAsync(_console, "/fleet");
        await fleet.GetByTestId("launch-instance").ClickAsync();
        await fleet.GetByTestId("launch-instance-template").ClickAsync();
        await fleet.GetByText("zoned (v1, ap-southeast-2)").ClickAsync();
        await Expect(fleet.GetByTestId("launch-instance-type")).ToHaveValueAsync("t3.micro");

        // The zone picker appears only once the subnet is cleared: a subnet already fixes the zone.
        await Expect(fleet.GetByTestId("launch-instance-zone")).ToHaveCountAsync(0);
        await fleet.GetByTestId("launch-instance-subnet").Locator(".mud-input-clear-button").ClickAsync();
        await fleet.GetByTestId("launch-instance-zone").Locator(".mud-input-control").ClickAsync();
        await fleet.GetByRole(AriaRole.Option, new() { Name = $"{Region}b", Exact = true }).ClickAsync();
        await fleet.GetByTestId("launch-instance-name").FillAsync("zoned-b");
        await fleet.GetByTestId("launch-instance-submit").ClickAsync();
        await Expect(fleet.Locator(".mud-snackbar", new() { HasText = "Launched i-" })).ToBeVisibleAsync(new() { Timeout = 60_000 });

        var launched = (await _moto.Ec2(Region).DescribeInstancesAsync(new Amazon.EC2.Model.DescribeInstancesRequest
        {
            Filters = [new Amazon.EC2.Model.Filter("tag:Name", ["zoned-b"])],
        })).Reservations.SelectMany(r => r.Instances).Should().ContainSingle().Subject;
        launched.Placement.AvailabilityZone.Should().Be($"{Region}b");
        var subnet = (await _moto.Ec2(Region).DescribeSubnetsAsync(new Amazon.EC2.Model.DescribeSubnetsRequest { SubnetIds = [launched.SubnetId] })).Subnets.Single();
        subnet.DefaultForAz.Should().BeTrue();
    }
}
