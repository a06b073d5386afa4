using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Export;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Tests.Probes;

/// <summary>GET /api/synthetic/results?format=csv on a real console: read back with an RFC 4180 reader, filtered like the JSON listing.</summary>
public class ResultsCsvExportTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    /// <summary>SQLite here; the PostgreSQL subclass below runs the same tests on PostgreSQL (partitioned results table).</summary>
    protected virtual ConsoleDatabase Database => ConsoleDatabase.Sqlite;

    // Per test (xunit makes an instance for each): a static one would be taken when the SQLite class first ran, maybe
    // half an hour before the PostgreSQL class in a full run, and push "30 minutes ago" out of the last hour.
    private readonly DateTime Now = DateTime.UtcNow;

    [Fact]
    public async Task The_csv_holds_the_filtered_results_oldest_first_with_awkward_text_quoted()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        var id = await CreateTestAsync(console, "web, \"main\"");
        var other = await CreateTestAsync(console, "other");
        var awkward = "refused, then \"timeout\"\nsecond line";
        await StoreAsync(console,
            Result(id, Now.AddHours(-3), true, "old"),
            Result(id, Now.AddMinutes(-30), false, awkward),
            Result(id, Now.AddMinutes(-20), true, "=HYPERLINK(\"x\")"),
            Result(id, Now.AddMinutes(-10), true, "ok"),
            Result(other, Now.AddMinutes(-5), true, "not this test"));

        var response = await console.Http.GetAsync($"/api/synthetic/results?format=csv&testId={id}&range=1h");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition.FileName.Should().StartWith($"probe-results-test-{id}-").And.EndWith(".csv");
        var text = await response.Content.ReadAsStringAsync();
        CsvReader.Parse(text)[0].Should().Equal(ProbeResultsCsv.Header.Split(','));
        var rows = CsvReader.Records(text);
        rows.Select(r => r["reason"]).Should().Equal(awkward, "'=HYPERLINK(\"x\")", "ok");
        rows.Should().OnlyContain(r => r["testId"] == id.ToString() && r["testName"] == "web, \"main\"" && r["type"] == "port");
        rows.Select(r => r["status"]).Should().Equal("down", "up", "up");
        rows.Select(r => DateTime.Parse(r["startedAt"], null, System.Globalization.DateTimeStyles.RoundtripKind)).Should().BeInAscendingOrder()
            .And.OnlyContain(at => at > Now.AddHours(-1).AddMinutes(-1));

        var failed = CsvReader.Records(await console.Http.GetStringAsync($"/api/synthetic/results?format=csv&testId={id}&success=false"));
        failed.Should().ContainSingle().Which["reason"].Should().Be(awkward);
        var window = $"from={Uri.EscapeDataString(Now.AddHours(-4).ToString("O"))}&to={Uri.EscapeDataString(Now.AddMinutes(-25).ToString("O"))}";
        var ranged = CsvReader.Records(await console.Http.GetStringAsync($"/api/synthetic/results?format=csv&{window}"));
        ranged.Select(r => r["reason"]).Should().Equal("old", awkward);
        var json = await console.Http.GetFromJsonAsync<JsonElement>($"/api/synthetic/results?{window}");
        json.GetProperty("total").GetInt32().Should().Be(ranged.Count, "both formats take the same filters");
    }

    [Fact]
    public async Task A_large_export_streams_every_row_once_across_pages_even_when_start_times_tie()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        var id = await CreateTestAsync(console, "busy");
        // Pairs of results share a start time, so page boundaries fall inside ties.
        var results = Enumerable.Range(0, ProbeResultsCsv.PageSize * 2 + 301)
            .Select(i => Result(id, Now.AddHours(-2).AddSeconds(i / 2), i % 7 != 0, $"run {i}")).ToArray();
        // Each its own fire (one stored result per test and scheduled time), while the start times still tie.
        for (var i = 0; i < results.Length; i++) results[i].ScheduledAt = Now.AddHours(-2).AddSeconds(i);
        await StoreAsync(console, results);

        using var response = await console.Http.GetAsync($"/api/synthetic/results?format=csv&testId={id}", HttpCompletionOption.ResponseHeadersRead);

        response.Content.Headers.ContentLength.Should().BeNull("the body is streamed, not buffered to measure it");
        var rows = CsvReader.Records(await response.Content.ReadAsStringAsync());
        rows.Should().HaveCount(results.Length);
        rows.Select(r => long.Parse(r["id"])).Should().OnlyHaveUniqueItems();
        rows.Select(r => r["reason"]).Should().BeEquivalentTo(results.Select(r => r.Reason));
    }

    [Theory]
    [InlineData("format=xml", "format")]
    [InlineData("format=csv&range=2h", "range")]
    [InlineData("format=csv&range=1h&from=2026-01-01T00:00:00Z", "range")]
    public async Task Bad_filters_are_refused_naming_the_field(string query, string field)
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);

        var response = await console.Http.GetAsync($"/api/synthetic/results?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_viewer_may_export_and_an_anonymous_caller_may_not()
    {
        await using var console = await ConsoleHost.StartAsync(moto, Database);
        using var viewer = await console.ClientAsync("Viewer");

        (await viewer.GetAsync("/api/synthetic/results?format=csv")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await console.Anonymous.GetAsync("/api/synthetic/results?format=csv")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    internal static async Task<int> CreateTestAsync(ConsoleHost console, string name)
    {
        var response = await console.Http.PostAsJsonAsync("/api/synthetic/tests",
            new { name, type = "port", target = "127.0.0.1", port = 9, frequencySeconds = 3600, enabled = false });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    internal static ProbeResult Result(int testId, DateTime at, bool success, string reason) => new()
    {
        TestId = testId, Type = ProbeType.Port, Success = success, Reason = reason, StartedAt = at,
        DurationMs = 12.5, ResponseTimeMs = success ? 3.25 : null, Source = ProbeResult.ConsoleSource,
    };

    internal static async Task StoreAsync(ConsoleHost console, params ProbeResult[] results)
    {
        await using var db = await console.Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        db.ProbeResults.AddRange(results);
        await db.SaveChangesAsync();
    }
}

/// <summary>The same tests with the console on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ResultsCsvExportTestsOnPostgres(MotoFixture moto, PostgresServer postgres) : ResultsCsvExportTests(moto)
{
    protected override ConsoleDatabase Database => postgres;
}
