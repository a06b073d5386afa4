using System.Net;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace BlazorAwsConsole.Tests.Observability;

/// <summary>
/// The OpenAPI document is valid, and describes every /api endpoint of the app's own endpoint table
/// with a success response: a new endpoint mapped without its OpenAPI metadata fails here.
/// </summary>
public sealed partial class OpenApiTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task The_document_is_valid_and_lists_every_api_endpoint_with_its_success_response()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        var viewer = await console.ClientAsync(ConsoleRoles.Viewer);

        var json = await viewer.GetStringAsync("/openapi/v1.json");
        var read = OpenApiDocument.Parse(json, OpenApiConstants.Json, new OpenApiReaderSettings());

        read.Diagnostic!.Errors.Should().BeEmpty("the document must be valid OpenAPI");
        var document = read.Document!;
        document.Info.Title.Should().Be("BlazorAwsConsole API");
        document.Components!.SecuritySchemes!["ApiKey"].Scheme.Should().Be("bearer");

        var endpoints = console.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/"))
            .SelectMany(e => e.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).Select(method => (Endpoint: e, Method: method)))
            .ToList();
        endpoints.Should().HaveCountGreaterThan(30);
        var documented = document.Paths.SelectMany(p => p.Value.Operations!.Select(o => $"{o.Key.Method.ToUpperInvariant()} {p.Key}")).ToHashSet();

        foreach (var (endpoint, method) in endpoints)
        {
            var path = Normalize(endpoint.RoutePattern.RawText!);
            var key = $"{method} {path}";
            documented.Should().Contain(key, "every API endpoint is in the OpenAPI document");
            var operation = document.Paths[path].Operations![HttpMethod.Parse(method)];
            operation.Summary.Should().NotBeNullOrWhiteSpace($"{key} has a summary");
            operation.OperationId.Should().NotBeNullOrWhiteSpace($"{key} has a name");
            operation.Tags.Should().NotBeNullOrEmpty($"{key} belongs to a feature");

            var successes = endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Where(p => p.StatusCode is >= 200 and < 300).ToList();
            successes.Should().NotBeEmpty($"{key} describes its success response");
            foreach (var success in successes)
            {
                var response = operation.Responses![success.StatusCode.ToString()];
                if (success.Type is { } type && type != typeof(void))
                {
                    response.Content.Should().NotBeNullOrEmpty($"{key} {success.StatusCode} returns a {type.Name}");
                    response.Content!.Values.Should().OnlyContain(c => c.Schema != null, $"{key} {success.StatusCode} has a schema");
                }
            }
        }
        // Error answers are described as problem details where the endpoint gives them.
        var action = document.Paths["/api/instances/{instanceId}/action"].Operations![HttpMethod.Post];
        action.Responses!.Keys.Should().Contain(["200", "400", "404", "409", "502"]);
        action.RequestBody!.Content!.Should().ContainKey("application/json");
        document.Paths["/api/settings/credentials"].Operations![HttpMethod.Post].Responses!.Keys.Should().Contain(["201", "400", "409", "503"]);
    }

    [Fact]
    public async Task The_document_needs_a_viewer_and_describes_the_api_key_scheme_for_every_api_operation()
    {
        await using var console = await ConsoleHost.StartAsync(moto);

        (await console.Anonymous.GetAsync("/openapi/v1.json")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var read = OpenApiDocument.Parse(await (await console.ClientAsync(ConsoleRoles.Viewer)).GetStringAsync("/openapi/v1.json"), OpenApiConstants.Json, new());
        var document = read.Document!;

        document.Security.Should().ContainSingle().Which.Keys.Should().ContainSingle(s => s.Reference.Id == "ApiKey");
        document.Paths["/account/login"].Operations![HttpMethod.Post].Security.Should().BeEmpty("signing in needs no key");
    }

    /// <summary>A route pattern as OpenAPI writes it: no constraints, no optional marks, no trailing slash.</summary>
    private static string Normalize(string pattern)
    {
        var path = RouteParameter().Replace(pattern, m => "{" + m.Groups[1].Value + "}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)(?::[^}?]+)?\??\}")]
    private static partial Regex RouteParameter();
}
