using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.StatusPages;

/// <summary>REST endpoints of status pages and incidents. Viewers read; Operators edit and post incidents; Admins publish.</summary>
public static class StatusPagesApi
{
    private const int MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapStatusPagesApi(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/api/status-pages").WithTags("Status pages");
        pages.MapGet("/", List).RequireAuthorization(Policies.CanView)
            .WithName("ListStatusPages").WithSummary("Every status page with its components and their states");
        pages.MapPost("/", Create).RequireAuthorization(Policies.CanOperate).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("CreateStatusPage").WithSummary("Create a status page (publishing needs an Admin)");
        pages.MapGet("/{id:int}", Get).RequireAuthorization(Policies.CanView)
            .WithName("GetStatusPage").WithSummary("One status page with its components and their states");
        pages.MapPut("/{id:int}", Update).RequireAuthorization(Policies.CanOperate).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("UpdateStatusPage").WithSummary("Edit a status page; fields left out keep their values; components given replace the list (an id keeps a component)");
        pages.MapDelete("/{id:int}", Delete).RequireAuthorization(Policies.CanOperate)
            .WithName("DeleteStatusPage").WithSummary("Delete a status page with its incidents (a published one: Admin)");
        pages.MapGet("/{id:int}/incidents", Incidents).RequireAuthorization(Policies.CanView)
            .WithName("ListIncidents").WithSummary("The page's incidents of the last 90 days and any still open");
        pages.MapPost("/{id:int}/incidents", OpenIncident).RequireAuthorization(Policies.CanOperate).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("OpenIncident").WithSummary("Open an incident: title, impact, status, message (Markdown), affected components");
        pages.MapPost("/{id:int}/incidents/{incidentId:int}/updates", PostUpdate).RequireAuthorization(Policies.CanOperate).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("PostIncidentUpdate").WithSummary("Post an update: status (investigating, identified, monitoring, resolved) and message");
        pages.MapPut("/{id:int}/components/{componentId:int}/manual-state", SetManual).RequireAuthorization(Policies.CanOperate)
            .WithName("SetComponentManualState").WithSummary("Set a component's state by hand for some minutes, with a note the page shows");
        pages.MapDelete("/{id:int}/components/{componentId:int}/manual-state", ClearManual).RequireAuthorization(Policies.CanOperate)
            .WithName("ClearComponentManualState").WithSummary("Back to the derived state");
        return app;
    }

    private static async Task<Results<Ok<PagedList<StatusPageDto>>, ValidationProblem>> List(StatusPageService service, CancellationToken cancellationToken,
        int? page = null, int? pageSize = null)
    {
        var result = new List<StatusPageDto>();
        foreach (var statusPage in await service.PagesAsync(cancellationToken)) result.Add(StatusPageDto.From(statusPage, await service.StatesAsync(statusPage, cancellationToken)));
        return Paging.Answer(result, page, pageSize);
    }

    private static async Task<Results<Ok<StatusPageDto>, NotFound<ProblemDetails>>> Get(int id, StatusPageService service, CancellationToken cancellationToken) =>
        await service.PageAsync(id, cancellationToken) is { } page
            ? TypedResults.Ok(StatusPageDto.From(page, await service.StatesAsync(page, cancellationToken)))
            : PageNotFound(id);

    private static async Task<Results<Created<StatusPageDto>, ValidationProblem, ProblemHttpResult>> Create(
        StatusPageInput? input, StatusPageService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody("A status page");
        var result = await service.CreateAsync(input, Caller.From(context), cancellationToken);
        return result.Outcome switch
        {
            SaveOutcome.Saved => TypedResults.Created($"/api/status-pages/{result.Value!.Id}", StatusPageDto.From(result.Value)),
            SaveOutcome.Forbidden => PublishForbidden(),
            _ => TypedResults.ValidationProblem(result.Errors),
        };
    }

    private static async Task<Results<Ok<StatusPageDto>, ValidationProblem, NotFound<ProblemDetails>, ProblemHttpResult>> Update(
        int id, StatusPageInput? input, StatusPageService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody("A status page");
        var result = await service.UpdateAsync(id, input, Caller.From(context), cancellationToken);
        return result.Outcome switch
        {
            SaveOutcome.Saved => TypedResults.Ok(StatusPageDto.From(result.Value!)),
            SaveOutcome.NotFound => PageNotFound(id),
            SaveOutcome.Forbidden => PublishForbidden(),
            _ => TypedResults.ValidationProblem(result.Errors),
        };
    }

    private static async Task<Results<NoContent, NotFound<ProblemDetails>, ProblemHttpResult>> Delete(int id, StatusPageService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.DeleteAsync(id, Caller.From(context), cancellationToken) switch
        {
            SaveOutcome.Saved => TypedResults.NoContent(),
            SaveOutcome.NotFound => PageNotFound(id),
            _ => TypedResults.Problem(title: "Admin only", detail: "Only an Admin deletes a published status page.", statusCode: 403),
        };

    private static async Task<Results<Ok<PagedList<IncidentDto>>, NotFound<ProblemDetails>>> Incidents(int id, StatusPageService service, CancellationToken cancellationToken)
    {
        if (await service.IncidentsAsync(id, cancellationToken) is not { } incidents) return PageNotFound(id);
        var items = incidents.Select(IncidentDto.From).ToList();
        return TypedResults.Ok(new PagedList<IncidentDto>(items, items.Count, 1, Math.Max(1, items.Count)));
    }

    private static async Task<Results<Created<IncidentDto>, ValidationProblem, NotFound<ProblemDetails>>> OpenIncident(
        int id, IncidentInput? input, StatusPageService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody("An incident");
        var result = await service.OpenIncidentAsync(id, input, Caller.From(context), cancellationToken);
        return result.Outcome switch
        {
            SaveOutcome.Saved => TypedResults.Created($"/api/status-pages/{id}/incidents/{result.Value!.Id}", IncidentDto.From(result.Value)),
            SaveOutcome.NotFound => PageNotFound(id),
            _ => TypedResults.ValidationProblem(result.Errors),
        };
    }

    private static async Task<Results<Created<IncidentDto>, ValidationProblem, NotFound<ProblemDetails>>> PostUpdate(
        int id, int incidentId, IncidentUpdateInput? input, StatusPageService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody("An incident update");
        var result = await service.PostUpdateAsync(id, incidentId, input, Caller.From(context), cancellationToken);
        return result.Outcome switch
        {
            SaveOutcome.Saved => TypedResults.Created($"/api/status-pages/{id}/incidents/{incidentId}", IncidentDto.From(result.Value!)),
            SaveOutcome.NotFound => TypedResults.NotFound(new ProblemDetails { Title = "Incident not found", Detail = $"Page {id} has no incident {incidentId}.", Status = 404 }),
            _ => TypedResults.ValidationProblem(result.Errors),
        };
    }

    private static async Task<Results<Ok<ComponentDto>, ValidationProblem, NotFound<ProblemDetails>>> SetManual(
        int id, int componentId, ManualStateInput? input, StatusPageService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody("A manual state");
        return Manual(id, componentId, await service.SetManualStateAsync(id, componentId, input, Caller.From(context), cancellationToken));
    }

    private static async Task<Results<Ok<ComponentDto>, ValidationProblem, NotFound<ProblemDetails>>> ClearManual(
        int id, int componentId, StatusPageService service, HttpContext context, CancellationToken cancellationToken) =>
        Manual(id, componentId, await service.SetManualStateAsync(id, componentId, null, Caller.From(context), cancellationToken));

    private static Results<Ok<ComponentDto>, ValidationProblem, NotFound<ProblemDetails>> Manual(int id, int componentId, SaveResult<StatusComponent> result) => result.Outcome switch
    {
        SaveOutcome.Saved => TypedResults.Ok(ComponentDto.From(result.Value!, null)),
        SaveOutcome.NotFound => TypedResults.NotFound(new ProblemDetails { Title = "Component not found", Detail = $"Page {id} has no component {componentId}.", Status = 404 }),
        _ => TypedResults.ValidationProblem(result.Errors),
    };

    private static ProblemHttpResult PublishForbidden() =>
        TypedResults.Problem(title: "Admin only", detail: "Only an Admin publishes or unpublishes a status page.", statusCode: 403);

    private static ValidationProblem MissingBody(string what) => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["body"] = [$"{what} (JSON object) is required."],
    });

    private static NotFound<ProblemDetails> PageNotFound(int id) =>
        TypedResults.NotFound(new ProblemDetails { Title = "Status page not found", Detail = $"No status page {id}.", Status = 404 });
}
