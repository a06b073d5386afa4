using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Access;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>How long the console takes to answer a page, signed in, while the soak's tests run.</summary>
internal sealed record PageRenderFigure(string Path, int Requests, double P50Ms, double MaxMs, int Kilobytes);

/// <summary>
/// Times GETs of the pages a NOC keeps open. The answer is the server's full first render of the page
/// (Blazor prerenders every page: the component loads its data and renders it to HTML), so its time
/// is the time to the first complete page, without the browser's own work or the circuit that follows.
/// </summary>
internal static partial class PageRenders
{
    public const double GoalMs = 1_000;
    public static readonly string[] Paths = ["/synthetic", "/"];

    public static async Task<IReadOnlyList<PageRenderFigure>> MeasureAsync(ProbeConsole console, int requestsPerPage, CancellationToken cancellationToken)
    {
        using var client = await SignInAsync(console, cancellationToken);
        var figures = new List<PageRenderFigure>();
        foreach (var path in Paths)
        {
            var times = new List<double>();
            var bytes = 0;
            // The first answer warms up the page's code and data; it is not counted.
            for (var i = 0; i <= requestsPerPage; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}, not the page");
                if (i == 0) continue;
                times.Add(elapsed.TotalMilliseconds);
                bytes = body.Length;
            }
            times.Sort();
            figures.Add(new PageRenderFigure(path, times.Count, times[(times.Count - 1) / 2], times[^1], bytes / 1024));
        }
        return figures;
    }

    /// <summary>A new Admin user signed in through the real sign-in form, as a browser does (antiforgery token and cookie).</summary>
    internal static async Task<HttpClient> SignInAsync(ProbeConsole console, CancellationToken cancellationToken)
    {
        var name = $"bench-{Guid.NewGuid():n}"[..16];
        var password = $"Pw-{Guid.NewGuid():n}";
        await using (var scope = console.Services.CreateAsyncScope())
        {
            var errors = await scope.ServiceProvider.GetRequiredService<UserAdminService>().AddAsync(name, password, ConsoleRoles.Admin, Caller.System("benchmark"));
            if (errors.Count > 0) throw new InvalidOperationException("Could not add the benchmark's user: " + string.Join("; ", errors.SelectMany(e => e.Value)));
        }
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = console.BaseAddress };
        var form = await client.GetStringAsync("/account/login", cancellationToken);
        using var signIn = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = name,
            ["password"] = password,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
        }), cancellationToken);
        if (signIn.StatusCode != HttpStatusCode.Redirect || signIn.Headers.Location?.ToString().Contains("error=") != false)
            throw new InvalidOperationException($"Signing in failed: {(int)signIn.StatusCode} {signIn.Headers.Location}");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
