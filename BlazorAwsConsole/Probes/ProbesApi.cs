using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes.Export;
using BlazorAwsConsole.Probes.Locations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.Probes;

/// <summary>REST endpoints of synthetic tests. Viewers read; Operators define, run, pause and delete tests.</summary>
public static class ProbesApi
{
    private const int MaxTestBodyBytes = 128 * 1024;

    public static IEndpointRouteBuilder MapProbesApi(this IEndpointRouteBuilder app)
    {
        var tests = app.MapGroup("/api/synthetic/tests").WithTags("Synthetic tests");
        tests.MapGet("/", ListTests).RequireAuthorization(Policies.CanView)
            .WithName("ListSyntheticTests").WithSummary("Every synthetic test with its type's parameters");
        tests.MapPost("/", CreateTest).RequireAuthorization(Policies.CanOperate).WithMetadata(new RequestSizeLimitAttribute(MaxTestBodyBytes))
            .WithName("CreateSyntheticTest").WithSummary("Create a test; it is scheduled at once when enabled").ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        tests.MapGet("/{id:int}", GetTest).RequireAuthorization(Policies.CanView)
            .WithName("GetSyntheticTest").WithSummary("One synthetic test");
        tests.MapPut("/{id:int}", UpdateTest).RequireAuthorization(Policies.CanOperate).WithMetadata(new RequestSizeLimitAttribute(MaxTestBodyBytes))
            .WithName("UpdateSyntheticTest").WithSummary("Edit, pause (enabled: false) or resume a test; fields left out keep their values").ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        tests.MapDelete("/{id:int}", DeleteTest).RequireAuthorization(Policies.CanOperate)
            .WithName("DeleteSyntheticTest").WithSummary("Delete a test with its results");
        tests.MapPost("/{id:int}/run", RunTest).RequireAuthorization(Policies.CanOperate)
            .WithName("RunSyntheticTest").WithSummary("Run a test now and return its stored result (409 while it is running)");

        app.MapGet("/api/synthetic/results", ListResults).WithTags("Synthetic tests").RequireAuthorization(Policies.CanView)
            .WithName("ListProbeResults").WithSummary("Stored results, newest first, by test, time range, outcome, status (up, degraded, down) and location; format=csv streams every match, oldest first, as a CSV attachment");
        return app;
    }

    private static Ok<PagedList<SyntheticTestDto>> ListTests(ProbeCatalog catalog, TestViews views)
    {
        var items = catalog.Tests.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Id).Select(views.Dto).ToList();
        return TypedResults.Ok(new PagedList<SyntheticTestDto>(items, items.Count, 1, items.Count));
    }

    private static Results<Ok<SyntheticTestDto>, NotFound<ProblemDetails>> GetTest(int id, ProbeCatalog catalog, TestViews views) =>
        catalog.Find(id) is { } test ? TypedResults.Ok(views.Dto(test)) : NotFound(id);

    private static async Task<Results<Created<SyntheticTestDto>, ValidationProblem>> CreateTest(
        SyntheticTestDto? input, SyntheticTestService service, TestViews views, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody();
        var result = await service.CreateAsync(input, Caller.From(context), cancellationToken);
        if (result.Errors.Count > 0) return TypedResults.ValidationProblem(result.Errors);
        return TypedResults.Created($"/api/synthetic/tests/{result.Test!.Id}", views.Dto(result.Test));
    }

    private static async Task<Results<Ok<SyntheticTestDto>, ValidationProblem, NotFound<ProblemDetails>>> UpdateTest(
        int id, SyntheticTestDto? input, SyntheticTestService service, TestViews views, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody();
        var result = await service.UpdateAsync(id, input, Caller.From(context), cancellationToken);
        if (result.NotFound) return NotFound(id);
        if (result.Errors.Count > 0) return TypedResults.ValidationProblem(result.Errors);
        return TypedResults.Ok(views.Dto(result.Test!));
    }

    private static async Task<Results<NoContent, NotFound<ProblemDetails>>> DeleteTest(
        int id, SyntheticTestService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.DeleteAsync(id, Caller.From(context), cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<Ok<ProbeResultDto>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RunTest(
        int id, SyntheticTestService service, HttpContext context, CancellationToken cancellationToken)
    {
        // From the database, not this node's catalog: the test may have been created on another node a moment ago.
        if (await service.FindCurrentAsync(id, cancellationToken) is not { } test) return NotFound(id);
        var result = await service.RunNowAsync(test, Caller.From(context), cancellationToken);
        return result is null
            ? TypedResults.Conflict(new ProblemDetails { Title = "Test already running", Detail = $"Test {id} is running now; its result will appear when it ends.", Status = 409 })
            : TypedResults.Ok(ProbeResultDto.From(result));
    }

    private static async Task<Results<Ok<PagedList<ProbeResultDto>>, ProbeResultsCsvResult, ValidationProblem>> ListResults(
        ProbeQueries queries, TimeProvider time, CancellationToken cancellationToken,
        int? testId = null, DateTimeOffset? from = null, DateTimeOffset? to = null, bool? success = null, int? page = null, int? pageSize = null,
        string? range = null, string? format = null, string? status = null, string? location = null)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = Paging.Read(page, pageSize, errors);
        if (from is not null && to is not null && from > to) errors["from"] = ["from must not be after to."];
        if (range is not null)
        {
            if (!ProbeQueries.Ranges.TryGetValue(range, out var span)) errors["range"] = [$"range must be one of {string.Join(", ", ProbeQueries.Ranges.Keys)}."];
            else if (from is not null) errors["range"] = ["Give either range or from, not both."];
            else from = time.GetUtcNow() - span;
        }
        var csv = format?.ToLowerInvariant() switch
        {
            null or "json" => false,
            "csv" => true,
            _ => Invalid(errors, "format", "format must be json or csv."),
        };
        ProbeHealth? health = status?.ToLowerInvariant() switch
        {
            null => null,
            "up" => ProbeHealth.Up,
            "degraded" => ProbeHealth.Degraded,
            "down" => ProbeHealth.Down,
            _ => null,
        };
        if (status is not null && health is null) errors["status"] = ["status must be up, degraded or down."];
        if (location is not null && (location.Trim().Length == 0 || location.Length > ProbeResult.MaxLocationChars))
            errors["location"] = [$"location must be a probe location's name (1-{ProbeResult.MaxLocationChars} characters)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var filter = new ProbeResultFilter(testId, from?.UtcDateTime, to?.UtcDateTime, success, health, location);
        if (csv)
        {
            var name = $"probe-results{(testId is { } id ? $"-test-{id}" : "")}-{time.GetUtcNow():yyyyMMdd'T'HHmm'Z'}.csv";
            return new ProbeResultsCsvResult(filter, name);
        }
        var (items, total) = await queries.ResultsAsync(filter, paging.Page, paging.PageSize, cancellationToken);
        return TypedResults.Ok(new PagedList<ProbeResultDto>(items.Select(ProbeResultDto.From).ToList(), total, paging.Page, paging.PageSize));
    }

    private static bool Invalid(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return false;
    }

    private static ValidationProblem MissingBody() => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["body"] = ["A synthetic test (JSON object) is required."],
    });

    private static NotFound<ProblemDetails> NotFound(int id) => TypedResults.NotFound(new ProblemDetails
    {
        Title = "Test not found",
        Detail = $"No synthetic test {id}.",
        Status = StatusCodes.Status404NotFound,
    });
}
