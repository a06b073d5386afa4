using System.Net;
using System.Security.Claims;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BlazorAwsConsole.Tests.Access;

public sealed class SingleSignOnTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task With_an_identity_provider_configured_sign_in_offers_it_and_sends_the_user_there()
    {
        await using var provider = await DiscoveryOnlyProvider.StartAsync();
        await using var console = await ConsoleHost.StartAsync(moto,
            $"Access:Oidc:Authority={provider.Authority}", "Access:Oidc:ClientId=console", "Access:Oidc:DisplayName=Company SSO");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = console.BaseAddress };

        (await client.GetStringAsync("/account/login")).Should().Contain("Company SSO");
        var challenge = await client.GetAsync("/account/sso?returnUrl=/fleet");

        challenge.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = challenge.Headers.Location!.ToString();
        location.Should().StartWith($"{provider.Authority}/authorize").And.Contain("client_id=console").And.Contain("response_type=code")
            .And.Contain(Uri.EscapeDataString(new Uri(console.BaseAddress, "/signin-oidc").ToString()));
    }

    [Fact]
    public async Task Without_one_the_sso_address_says_it_is_not_configured()
    {
        await using var console = await ConsoleHost.StartAsync(moto);

        var response = await console.Anonymous.GetAsync("/account/sso");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Contain("not configured");
    }

    [Fact]
    public void Provider_groups_map_to_console_roles_and_unknown_groups_to_none()
    {
        var options = new AccessOptions.OidcOptions { RoleClaim = "groups", RoleMap = new(StringComparer.OrdinalIgnoreCase) { ["noc-admins"] = "Admin" } };
        var identity = new ClaimsIdentity([new Claim("groups", "noc-admins"), new Claim("groups", "operator"), new Claim("groups", "finance")]);

        OidcRoles.Map(identity, options).Should().BeEquivalentTo([ConsoleRoles.Admin, ConsoleRoles.Operator]);
    }

    /// <summary>Serves an OpenID Connect discovery document on loopback: enough for the console to build its challenge.</summary>
    private sealed class DiscoveryOnlyProvider : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private DiscoveryOnlyProvider(WebApplication app, string authority) => (_app, Authority) = (app, authority);

        public string Authority { get; }

        public static async Task<DiscoveryOnlyProvider> StartAsync()
        {
            var app = WebApplication.CreateBuilder().Build();
            app.Urls.Add("http://127.0.0.1:0");
            app.MapGet("/.well-known/openid-configuration", (HttpContext context) =>
            {
                var issuer = $"{context.Request.Scheme}://{context.Request.Host}";
                return Results.Json(new Dictionary<string, object>
                {
                    ["issuer"] = issuer,
                    ["authorization_endpoint"] = $"{issuer}/authorize",
                    ["token_endpoint"] = $"{issuer}/token",
                    ["jwks_uri"] = $"{issuer}/jwks",
                    ["response_types_supported"] = new[] { "code" },
                    ["subject_types_supported"] = new[] { "public" },
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                });
            });
            app.MapGet("/jwks", () => Results.Json(new { keys = Array.Empty<object>() }));
            await app.StartAsync();
            return new DiscoveryOnlyProvider(app, app.Urls.First());
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
