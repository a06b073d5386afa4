using BlazorAwsConsole.Access;
using Microsoft.Playwright;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>Debian's headless Chromium driven by Playwright (no browser download: ENVIRONMENT.md).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        // Playwright's 5 s default for Expect(...) is short for a live update while the rest of the suite loads both
        // cores; an expectation ends as soon as it holds, so the longer limit costs a passing test nothing.
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <summary>A new browser (its own cookies) signed in to the console with a new user of the role, on the path.</summary>
    public async Task<IPage> OpenAsync(ConsoleHost console, string path, string role = ConsoleRoles.Admin)
    {
        var name = $"{role.ToLowerInvariant()}-{Guid.NewGuid():n}"[..20];
        var password = await console.AddUserAsync(name, role);
        var page = await OpenAsync(console.BaseAddress, path, name, password);
        console.CloseBeforeStop(() => page.Context.CloseAsync());
        return page;
    }

    /// <summary>
    /// A new browser (its own cookies) signed in as an existing user to the console at <paramref name="baseAddress"/>
    /// (a console process, or nginx in front of several), on the path, its circuit live. The caller closes
    /// <c>page.Context</c> before the console stops.
    /// </summary>
    public async Task<IPage> OpenAsync(Uri baseAddress, string path, string user, string password)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(baseAddress, path).ToString());
        // Unauthenticated, the console sends us to its sign-in page and back to the path afterwards.
        await page.GetByTestId("signin-user").FillAsync(user);
        await page.GetByTestId("signin-password").FillAsync(password);
        await page.GetByTestId("signin-submit").ClickAsync();
        // Act only once the circuit is live; before that the page is prerendered HTML that ignores input.
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>Browser tests run alone: they wait on live updates and must not compete for the two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
