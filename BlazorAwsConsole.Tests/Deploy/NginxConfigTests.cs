using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorAwsConsole.Tests.Deploy;

/// <summary>
/// deploy/nginx.conf as shipped: `nginx -t` accepts it, and Debian's nginx running it in front of two
/// real consoles (each on its own SQLite file) serves a signed-in page whose Blazor circuit is a
/// WebSocket through nginx, pinned to one node.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NginxConfigTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly MotoFixture _moto = new();

    public Task InitializeAsync() => _moto.InitializeAsync();

    public Task DisposeAsync() => _moto.DisposeAsync();

    [Fact]
    public async Task Nginx_accepts_the_shipped_config()
    {
        var (folder, config, _) = NginxProxy.Prepare([new Uri("http://127.0.0.1:5001"), new Uri("http://127.0.0.1:5002")]);
        try
        {
            var (exitCode, output) = await NginxProxy.TestConfigAsync(folder, config);

            exitCode.Should().Be(0, output);
            output.Should().Contain("test is successful");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Through_nginx_a_signed_in_page_keeps_its_circuit_on_a_websocket_to_one_node()
    {
        await using var a = await ConsoleHost.StartAsync(_moto, "Cluster:NodeName=node-a");
        await using var b = await ConsoleHost.StartAsync(_moto, "Cluster:NodeName=node-b");
        await using var nginx = await NginxProxy.StartAsync([a.BaseAddress, b.BaseAddress]);
        // Each node has its own SQLite file here, so the user exists on both (on PostgreSQL they share one).
        var password = $"Pw-{Guid.NewGuid():n}";
        foreach (var node in new[] { a, b })
        {
            await using var scope = node.Services.CreateAsyncScope();
            (await scope.ServiceProvider.GetRequiredService<UserAdminService>().AddAsync("noc", password, ConsoleRoles.Admin, Caller.System("tests"))).Should().BeEmpty();
        }
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            var sockets = new List<string>();
            page.WebSocket += (_, socket) => { lock (sockets) sockets.Add(socket.Url); };

            using (var probe = new HttpClient())
            {
                var answer = await probe.GetAsync(new Uri(nginx.BaseAddress, "/healthz"));
                answer.IsSuccessStatusCode.Should().BeTrue(nginx.Diagnostics);
            }
            await page.GotoAsync(new Uri(nginx.BaseAddress, "/settings/cluster").ToString());
            await page.GetByTestId("signin-user").FillAsync("noc");
            await page.GetByTestId("signin-password").FillAsync(password);
            await page.GetByTestId("signin-submit").ClickAsync();
            await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });

            var node = page.GetByTestId("cluster-node");
            await Expect(node).ToHaveCountAsync(1);
            var name = await node.Locator("td").First.InnerTextAsync();
            name.Should().MatchRegex("node-(a|b)");
            lock (sockets) sockets.Should().Contain(url => url.StartsWith($"ws://127.0.0.1:{nginx.BaseAddress.Port}/_blazor"), "the circuit runs on a WebSocket through nginx");

            // A reload lands on the same node (sticky by address), and the live page keeps refreshing over the socket.
            await page.ReloadAsync();
            await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await Expect(page.GetByTestId("cluster-node").Locator("td").First).ToContainTextAsync(name.Split(' ', '\n')[0].Trim());
            var seen = await page.GetByTestId("cluster-node").GetAttributeAsync("data-last-check-in");
            await Expect(page.GetByTestId("cluster-node")).Not.ToHaveAttributeAsync("data-last-check-in", seen ?? "", new() { Timeout = 30_000 });
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
