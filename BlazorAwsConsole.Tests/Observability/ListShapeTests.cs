using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Observability;

/// <summary>
/// Every list the API answers is <c>{ items, total, page, pageSize }</c>: found from the app's own
/// endpoint table (every GET /api route without a route parameter), so a new bare-array list fails here.
/// </summary>
public sealed class ListShapeTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Every_collection_GET_answers_items_total_page_and_pageSize_and_none_a_bare_array()
    {
        await using var console = await ConsoleHost.StartAsync(moto);
        await console.SyncAsync();
        var paths = console.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/") && e.RoutePattern.Parameters.Count == 0
                && e.Metadata.OfType<HttpMethodMetadata>().Any(m => m.HttpMethods.Contains("GET")))
            .Select(e => e.RoutePattern.RawText!.TrimEnd('/'))
            .Where(p => !p.EndsWith(".csv", StringComparison.Ordinal))
            .Distinct().ToList();
        paths.Should().Contain(["/api/jump-servers", "/api/regions", "/api/templates", "/api/settings/credentials", "/api/settings/regions",
            "/api/alert-channels", "/api/maintenance-windows", "/api/access/users", "/api/access/keys"]);

        var lists = 0;
        foreach (var path in paths)
        {
            var response = await console.Http.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            body.ValueKind.Should().Be(JsonValueKind.Object, $"{path} answers an object, never a bare array");
            if (!body.TryGetProperty("items", out var items)) continue;
            lists++;
            items.ValueKind.Should().Be(JsonValueKind.Array, path);
            body.GetProperty("total").GetInt32().Should().BeGreaterThanOrEqualTo(items.GetArrayLength(), path);
            body.GetProperty("page").GetInt32().Should().Be(1, path);
            body.GetProperty("pageSize").GetInt32().Should().BeGreaterThanOrEqualTo(items.GetArrayLength(), path);
        }
        lists.Should().BeGreaterThanOrEqualTo(15, "instances, changes, regions, templates, jump servers, credentials, region settings, channels, alerts, rules, windows, tests, results, users, keys and the log are lists");
    }

    [Fact]
    public async Task A_short_list_pages_like_the_long_ones_and_a_bad_page_size_is_a_400_naming_it()
    {
        await using var console = await ConsoleHost.StartAsync(moto);

        var all = await console.Http.GetFromJsonAsync<JsonElement>("/api/regions");
        var total = all.GetProperty("total").GetInt32();
        total.Should().BeGreaterThan(1);
        var second = await console.Http.GetFromJsonAsync<JsonElement>("/api/regions?page=2&pageSize=1");
        second.GetProperty("items").GetArrayLength().Should().Be(1);
        second.GetProperty("items")[0].GetProperty("code").GetString().Should().Be(all.GetProperty("items")[1].GetProperty("code").GetString());
        second.GetProperty("total").GetInt32().Should().Be(total);
        second.GetProperty("pageSize").GetInt32().Should().Be(1);

        var bad = await console.Http.GetAsync("/api/jump-servers?pageSize=0");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("pageSize", out _).Should().BeTrue();
    }
}
