using System.Text.RegularExpressions;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.Fleet;

/// <summary>REST endpoints of the fleet. Every endpoint carries a named policy (Access/Policies).</summary>
public static partial class FleetApi
{
    private const int MaxActionBodyBytes = 4 * 1024;

    public static IEndpointRouteBuilder MapFleetApi(this IEndpointRouteBuilder app)
    {
        var instances = app.MapGroup("/api/instances").WithTags("Fleet");
        instances.MapGet("/", ListInstances).RequireAuthorization(Policies.CanView)
            .WithName("ListInstances").WithSummary("Instances of every watched region, filtered and paged");
        instances.MapGet("/{instanceId}", GetInstance).RequireAuthorization(Policies.CanView)
            .WithName("GetInstance").WithSummary("One instance with its recent changes");
        // Operators may act; terminate additionally needs Admin, checked with the action.
        instances.MapPost("/{instanceId}/action", RunAction).RequireAuthorization(Policies.CanOperate)
            .WithMetadata(new RequestSizeLimitAttribute(MaxActionBodyBytes))
            .WithName("RunInstanceAction").WithSummary("Start, stop, reboot or terminate an instance (terminate needs Admin)")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status502BadGateway);

        var changes = app.MapGroup("/api/changes").WithTags("Fleet").RequireAuthorization(Policies.CanView);
        changes.MapGet("/", ListChanges).WithName("ListChanges").WithSummary("The change log, newest first");

        var regions = app.MapGroup("/api/regions").WithTags("Fleet").RequireAuthorization(Policies.CanView);
        regions.MapGet("/", ListRegions).WithName("ListRegions").WithSummary("Watched regions with their last sync, error and instance count");
        return app;
    }

    [GeneratedRegex("^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex InstanceIdPattern();

    private static async Task<Results<Ok<PagedList<InstanceDto>>, ValidationProblem>> ListInstances(
        FleetQueries queries, FleetSnapshot snapshot, CancellationToken cancellationToken,
        string? region = null, string? state = null, string? tag = null, string? q = null, int? page = null, int? pageSize = null, string? health = null)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = Paging.Read(page, pageSize, errors);
        if (!string.IsNullOrEmpty(region))
        {
            var known = (await queries.RegionsAsync(cancellationToken)).Select(r => r.Code).ToList();
            if (!known.Contains(region)) errors["region"] = [$"Unknown region '{region}'. Watched regions: {string.Join(", ", known)}."];
        }
        if (!string.IsNullOrEmpty(state) && !InstanceFilter.States.Contains(state))
        {
            errors["state"] = [$"Unknown state '{state}'. Allowed: {string.Join(", ", InstanceFilter.States)}."];
        }
        if (!string.IsNullOrEmpty(health) && !FleetHealth.Filters.Contains(health))
        {
            errors["health"] = [$"Unknown health filter '{health}'. Allowed: {string.Join(", ", FleetHealth.Filters)}."];
        }
        string? tagKey = null, tagValue = null;
        if (!string.IsNullOrEmpty(tag))
        {
            var separator = tag.IndexOf(':');
            if (separator <= 0) errors["tag"] = ["tag must be key:value (or key: for any value)."];
            else (tagKey, tagValue) = (tag[..separator], separator == tag.Length - 1 ? null : tag[(separator + 1)..]);
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var (items, total) = queries.Instances(new InstanceFilter(region, state, tagKey, tagValue, q, health), paging.Page, paging.PageSize);
        return TypedResults.Ok(new PagedList<InstanceDto>(
            items.Select(i => InstanceDto.From(i, snapshot.Region(i.Region))).ToList(), total, paging.Page, paging.PageSize));
    }

    private static async Task<Results<Ok<InstanceDetailDto>, NotFound<ProblemDetails>, ValidationProblem>> GetInstance(
        string instanceId, FleetQueries queries, FleetSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (!InstanceIdPattern().IsMatch(instanceId)) return MalformedId(instanceId);
        if (snapshot.Find(instanceId) is not { } instance) return NotFound(instanceId);

        var changes = await queries.ChangesAsync(new ChangeFilter(instanceId), 0, 100, cancellationToken);
        return TypedResults.Ok(new InstanceDetailDto(
            InstanceDto.From(instance, snapshot.Region(instance.Region)), changes.Select(ChangeDto.From).ToList()));
    }

    private static async Task<Results<Ok<ActionResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> RunAction(
        string instanceId, ActionRequest? request, InstanceActionService actions, HttpContext context, CancellationToken cancellationToken)
    {
        if (!InstanceIdPattern().IsMatch(instanceId)) return MalformedId(instanceId);
        if (request?.Action is not { } name || !Enum.TryParse<InstanceAction>(name, ignoreCase: true, out var action)
            || !Enum.IsDefined(action) || int.TryParse(name, out _))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["action"] = [$"Unknown action '{request?.Action}'. Allowed: {string.Join(", ", InstanceActionService.ActionNames)}."],
            });
        }

        var outcome = await actions.ExecuteAsync(instanceId, action, Caller.From(context), cancellationToken);
        return outcome.Status switch
        {
            ActionStatus.Done => TypedResults.Ok(new ActionResponse(instanceId, name.ToLowerInvariant(), outcome.State, outcome.Message)),
            ActionStatus.NotFound => NotFound(instanceId, outcome.Message),
            ActionStatus.Forbidden => TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed"),
            ActionStatus.Refused => TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict, title: "AWS refused the action"),
            ActionStatus.InProgress => TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict, title: "Another action on this instance is in progress"),
            _ => TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status502BadGateway, title: "AWS did not complete the action"),
        };
    }

    private static async Task<Results<Ok<PagedList<ChangeDto>>, ValidationProblem>> ListChanges(
        FleetQueries queries, CancellationToken cancellationToken,
        string? instanceId = null, DateTime? from = null, DateTime? to = null, int? page = null, int? pageSize = null)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = Paging.Read(page, pageSize, errors);
        if (!string.IsNullOrEmpty(instanceId) && !InstanceIdPattern().IsMatch(instanceId))
        {
            errors["instanceId"] = [$"'{instanceId}' is not an EC2 instance id (i- followed by 8 or 17 hexadecimal digits)."];
        }
        if (from > to) errors["from"] = ["from must not be after to."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var filter = new ChangeFilter(instanceId, from?.ToUniversalTime(), to?.ToUniversalTime());
        var items = await queries.ChangesAsync(filter, (paging.Page - 1) * paging.PageSize, paging.PageSize, cancellationToken);
        var total = await queries.CountChangesAsync(filter, cancellationToken);
        return TypedResults.Ok(new PagedList<ChangeDto>(items.Select(ChangeDto.From).ToList(), total, paging.Page, paging.PageSize));
    }

    private static async Task<Results<Ok<PagedList<RegionDto>>, ValidationProblem>> ListRegions(FleetQueries queries, FleetSnapshot snapshot,
        Events.EventQueueBoard events, CancellationToken cancellationToken, int? page = null, int? pageSize = null)
    {
        var regions = await queries.RegionsAsync(cancellationToken);
        return Paging.Answer(regions.Select(r => RegionDto.From(r, snapshot.Region(r.Code), events.For(r.Code))).ToList(), page, pageSize);
    }

    private static ValidationProblem MalformedId(string instanceId) => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["instanceId"] = [$"'{instanceId}' is not an EC2 instance id (i- followed by 8 or 17 hexadecimal digits)."],
    });

    private static NotFound<ProblemDetails> NotFound(string instanceId, string? detail = null) => TypedResults.NotFound(new ProblemDetails
    {
        Title = "Instance not found",
        Detail = detail ?? $"Instance {instanceId} is not in the inventory.",
        Status = StatusCodes.Status404NotFound,
    });
}

/// <param name="EventQueueUrl">The SQS queue of the region's EC2 events (null: none).</param>
/// <param name="LastEventAt">When this node last applied an event from it.</param>
/// <param name="EventsError">Why the queue cannot be read now; null while it is read (or without a queue).</param>
/// <param name="Progress">While the region is being read: how far ("loading: 1,000 of ~2,500 instances"); null otherwise.</param>
public sealed record RegionDto(string Code, string Name, bool Enabled, DateTime? LastSyncedAt, string? LastError, bool Stale, int Instances,
    string? EventQueueUrl, DateTime? LastEventAt, string? EventsError, string? Progress)
{
    public static RegionDto From(WatchedRegion region, RegionSyncStatus? status, Events.EventQueueStatus? events) => new(
        region.Code, region.Name, region.Enabled, status?.LastSyncedAt, status?.LastError, status?.IsStale ?? false, status?.InstanceCount ?? 0,
        region.EventQueueUrl, events?.LastEventAt, events?.Error, status?.Progress);
}
