using System.Net;
using System.Text;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Access;

/// <summary>
/// Every endpoint and page × anonymous, Viewer, Operator, Admin, generated from the app's own
/// endpoint table: a new endpoint without a named policy (or an explicit AllowAnonymous) fails here.
/// </summary>
public sealed class RoleMatrixTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    // Framework endpoints (the Blazor circuit hub, the framework script, the development-time static
    // file fallback) are covered by the authorization fallback policy.
    private static readonly string[] FrameworkPrefixes = ["/_blazor", "/_framework", "/_content", "{**path:file}"];

    private static readonly Dictionary<string, string> RouteValues = new()
    {
        ["instanceId"] = "i-0123456789abcdef0",
        ["name"] = "nobody",
        ["id"] = "999999",
        ["Id"] = "999999",
        ["InstanceId"] = "i-0123456789abcdef0",
        ["Id"] = "999999",
        ["incidentId"] = "999999",
        ["componentId"] = "999999",
        ["AlertId"] = "999999",
        ["tokenId"] = "999999",
        ["subscriptionId"] = "999999",
    };

    [Fact]
    public async Task Every_endpoint_has_a_named_policy_or_is_explicitly_anonymous()
    {
        await using var console = await ConsoleHost.StartAsync(moto);

        var unguarded = Endpoints(console)
            .Where(e => !IsFramework(e) && !e.Metadata.OfType<IAllowAnonymous>().Any()
                && !e.Metadata.OfType<IAuthorizeData>().Any(a => a.Policy is { } policy && Policies.Roles.ContainsKey(policy)))
            .Select(e => e.DisplayName)
            .ToList();

        unguarded.Should().BeEmpty("every page and API endpoint must sit behind one of the named policies");
    }

    [Fact]
    public async Task The_API_answers_each_role_as_its_policy_says()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        var clients = new Dictionary<string, HttpClient> { ["anonymous"] = console.Anonymous };
        foreach (var role in ConsoleRoles.All) clients[role] = await console.ClientAsync(role);

        var checkedEndpoints = 0;
        foreach (var endpoint in Endpoints(console).Where(e => e.RoutePattern.RawText!.StartsWith("/api")))
        {
            var policy = PolicyOf(endpoint);
            foreach (var method in endpoint.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods))
            {
                foreach (var (who, client) in clients)
                {
                    var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), Path(endpoint))
                    {
                        Content = method is "POST" or "PUT" ? new StringContent("{}", Encoding.UTF8, "application/json") : null,
                    });
                    var allowed = who != "anonymous" && Policies.Roles[policy].Contains(who);
                    var expected = who == "anonymous" ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
                    if (allowed)
                        response.StatusCode.Should().NotBe(HttpStatusCode.Unauthorized, $"{who} {method} {endpoint.RoutePattern.RawText}")
                            .And.NotBe(HttpStatusCode.Forbidden, $"{who} {method} {endpoint.RoutePattern.RawText}");
                    else
                        response.StatusCode.Should().Be(expected, $"{who} {method} {endpoint.RoutePattern.RawText} needs {policy}");
                }
                checkedEndpoints++;
            }
        }
        checkedEndpoints.Should().BeGreaterThan(10);
    }

    [Fact]
    public async Task Pages_send_strangers_to_sign_in_and_users_without_the_role_to_the_denied_page()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        var clients = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = console.BaseAddress },
        };
        foreach (var role in ConsoleRoles.All)
        {
            var name = $"{role.ToLowerInvariant()}-matrix";
            clients[role] = await SignedInClient.CreateAsync(console, name, await console.AddUserAsync(name, role));
        }

        var pages = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes(typeof(RouteAttribute), false).Cast<RouteAttribute>().Select(r => (Type: t, r.Template)))
            .Where(p => !p.Type.GetCustomAttributes(typeof(AllowAnonymousAttribute), false).Any())
            .ToList();
        pages.Should().Contain(p => p.Template == "/fleet").And.Contain(p => p.Template == "/settings/users");

        foreach (var (type, template) in pages)
        {
            var policy = type.GetCustomAttributes(typeof(AuthorizeAttribute), false).Cast<AuthorizeAttribute>().SingleOrDefault()?.Policy;
            policy.Should().NotBeNull($"page {template} needs a named policy");
            var path = Fill(template);
            foreach (var (who, client) in clients)
            {
                var response = await client.GetAsync(path);
                if (who == "anonymous")
                {
                    response.StatusCode.Should().Be(HttpStatusCode.Redirect, path);
                    response.Headers.Location!.ToString().Should().Contain("/account/login");
                }
                else if (Policies.Roles[policy!].Contains(who))
                    response.StatusCode.Should().Be(HttpStatusCode.OK, $"{who} may open {path}");
                else
                {
                    response.StatusCode.Should().Be(HttpStatusCode.Redirect, $"{who} may not open {path}");
                    response.Headers.Location!.ToString().Should().Contain("/account/denied");
                }
            }
        }
    }

    private static IEnumerable<RouteEndpoint> Endpoints(ConsoleHost console) =>
        console.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    private static bool IsFramework(RouteEndpoint endpoint) =>
        FrameworkPrefixes.Any(prefix => endpoint.RoutePattern.RawText!.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    private static string PolicyOf(RouteEndpoint endpoint) =>
        endpoint.Metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Last(Policies.Roles.ContainsKey);

    private static string Path(RouteEndpoint endpoint) => Fill(endpoint.RoutePattern.RawText!);

    private static string Fill(string template)
    {
        foreach (var (name, value) in RouteValues)
        {
            template = template.Replace("{" + name + ":int}", value).Replace("{" + name + ":long}", value).Replace("{" + name + "}", value);
        }
        return template;
    }
}
