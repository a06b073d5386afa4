using BlazorAwsConsole.Access;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.JumpServers;

/// <summary>REST endpoints of templates and jump servers. Every endpoint carries a named policy (Access/Policies).</summary>
public static partial class JumpServersApi
{
    // 16 KB of user data, escaped in JSON, plus the rest of a template.
    private const int MaxTemplateBodyBytes = 128 * 1024;

    public static IEndpointRouteBuilder MapJumpServersApi(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/templates").WithTags("Jump servers")
            .RequireAuthorization(Policies.CanAdminister); // templates are settings
        templates.MapGet("/", ListTemplates).WithName("ListTemplates").WithSummary("Jump server templates, each at its latest version");
        templates.MapPost("/", CreateTemplate).WithMetadata(new RequestSizeLimitAttribute(MaxTemplateBodyBytes))
            .WithName("CreateTemplate").WithSummary("Create a template (checked with AWS)");
        templates.MapGet("/{id:int}", GetTemplate).WithName("GetTemplate").WithSummary("A template at its latest version, or the one asked for");
        templates.MapPut("/{id:int}", UpdateTemplate).WithMetadata(new RequestSizeLimitAttribute(MaxTemplateBodyBytes))
            .WithName("UpdateTemplate").WithSummary("Save a new version of a template");
        templates.MapDelete("/{id:int}", DeleteTemplate).WithName("DeleteTemplate").WithSummary("Delete a template and its versions (its jump servers keep running)");
        templates.MapPost("/{id:int}/launch", Launch).WithName("LaunchJumpServer").WithSummary("Launch a jump server from a template")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);

        var servers = app.MapGroup("/api/jump-servers").WithTags("Jump servers");
        servers.MapGet("/", ListJumpServers).RequireAuthorization(Policies.CanView)
            .WithName("ListJumpServers").WithSummary("Jump servers not yet terminated, with their TTL and connect command");
        servers.MapPost("/{instanceId}/extend", Extend).RequireAuthorization(Policies.CanAdminister).WithMetadata(new RequestSizeLimitAttribute(4 * 1024))
            .WithName("ExtendJumpServer").WithSummary("Move a jump server's expiry later")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);
        servers.MapGet("/operations/{operationId:guid}", GetOperation).RequireAuthorization(Policies.CanView)
            .WithName("GetLaunchOperation").WithSummary("A jump server launch's status and steps");
        app.MapInstanceLaunchApi();
        return app;
    }

    [GeneratedRegex("^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex InstanceIdPattern();

    private static async Task<Results<Ok<PagedList<TemplateDto>>, ValidationProblem>> ListTemplates(TemplateService service, CancellationToken cancellationToken,
        int? page = null, int? pageSize = null) =>
        Paging.Answer((await service.ListAsync(cancellationToken)).Select(t => TemplateDto.From(t.Template, t.Latest)).ToList(), page, pageSize);

    private static async Task<Results<Ok<TemplateDto>, NotFound<ProblemDetails>>> GetTemplate(
        int id, TemplateService service, CancellationToken cancellationToken, int? version = null)
    {
        var found = await service.GetAsync(id, version, cancellationToken);
        return found is { } t ? TypedResults.Ok(TemplateDto.From(t.Template, t.Version)) : NotFound(id, version);
    }

    private static async Task<Results<Created<TemplateDto>, ValidationProblem>> CreateTemplate(
        TemplateInput? input, TemplateService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody();
        var result = await service.CreateAsync(input, Caller.From(context), cancellationToken);
        if (result.Errors.Count > 0) return TypedResults.ValidationProblem(result.Errors);
        return TypedResults.Created($"/api/templates/{result.Template!.Id}", TemplateDto.From(result.Template, result.Version!));
    }

    private static async Task<Results<Ok<TemplateDto>, ValidationProblem, NotFound<ProblemDetails>>> UpdateTemplate(
        int id, TemplateInput? input, TemplateService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody();
        var result = await service.UpdateAsync(id, input, Caller.From(context), cancellationToken);
        if (result.NotFound) return NotFound(id);
        if (result.Errors.Count > 0) return TypedResults.ValidationProblem(result.Errors);
        return TypedResults.Ok(TemplateDto.From(result.Template!, result.Version!));
    }

    private static async Task<Results<NoContent, NotFound<ProblemDetails>>> DeleteTemplate(
        int id, TemplateService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.DeleteAsync(id, Caller.From(context), cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<Ok<LaunchResponse>, NotFound<ProblemDetails>, ProblemHttpResult>> Launch(
        int id, TemplateService templates, JumpServerProvisioner provisioner, HttpContext context, CancellationToken cancellationToken)
    {
        if (await templates.GetAsync(id, null, cancellationToken) is not { } found) return NotFound(id);
        // Not tied to the request: a client that hangs up must not leave a half-made launch behind; it finishes or rolls back.
        var result = await provisioner.LaunchAsync(found.Template, found.Version, Caller.From(context), null, CancellationToken.None);
        if (result.Status == OperationStatus.Succeeded) return TypedResults.Ok(new LaunchResponse(result.InstanceId!, result.OperationId));
        return TypedResults.Problem(result.Error, statusCode: result.Refused ? StatusCodes.Status409Conflict : StatusCodes.Status502BadGateway,
            title: $"Launch failed at step '{result.FailedStep}'",
            extensions: new Dictionary<string, object?> { ["operationId"] = result.OperationId, ["failedStep"] = result.FailedStep });
    }

    private static Results<Ok<PagedList<JumpServerDto>>, ValidationProblem> ListJumpServers(JumpServerService service, TimeProvider time,
        int? page = null, int? pageSize = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return Paging.Answer(service.List().Select(i => JumpServerDto.From(i, now)).ToList(), page, pageSize);
    }

    private static async Task<Results<Ok<ActionResponse>, ValidationProblem, NotFound<ProblemDetails>, ProblemHttpResult>> Extend(
        string instanceId, ExtendRequest? request, JumpServerService service, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!InstanceIdPattern().IsMatch(instanceId)) errors["instanceId"] = [$"'{instanceId}' is not an EC2 instance id."];
        if (request?.Minutes is not (>= 1 and <= JumpServerService.MaxExtensionMinutes))
        {
            errors["minutes"] = [$"minutes must be between 1 and {JumpServerService.MaxExtensionMinutes}."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var outcome = await service.ExtendAsync(instanceId, request!.Minutes!.Value, Caller.From(context), cancellationToken);
        return outcome.Status switch
        {
            ActionStatus.Done => TypedResults.Ok(new ActionResponse(instanceId, "extend", outcome.State, outcome.Message)),
            ActionStatus.NotFound => TypedResults.NotFound(new ProblemDetails { Title = "Jump server not found", Detail = outcome.Message, Status = 404 }),
            ActionStatus.Refused => TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict, title: "AWS refused the change"),
            _ => TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status502BadGateway, title: "AWS did not complete the change"),
        };
    }

    private static async Task<Results<Ok<OperationDto>, NotFound<ProblemDetails>>> GetOperation(
        Guid operationId, IDbContextFactory<ConsoleDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var operation = await db.LaunchOperations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == operationId, cancellationToken);
        return operation is null
            ? TypedResults.NotFound(new ProblemDetails { Title = "Operation not found", Detail = $"No launch operation {operationId}.", Status = 404 })
            : TypedResults.Ok(OperationDto.From(operation));
    }

    private static ValidationProblem MissingBody() => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["body"] = ["A template (JSON object) is required."],
    });

    private static NotFound<ProblemDetails> NotFound(int id, int? version = null) => TypedResults.NotFound(new ProblemDetails
    {
        Title = "Template not found",
        Detail = version is null ? $"No jump server template {id}." : $"Template {id} has no version {version}.",
        Status = StatusCodes.Status404NotFound,
    });
}

public sealed record LaunchResponse(string InstanceId, Guid OperationId);

public sealed record ExtendRequest(int? Minutes);

/// <summary>A launch operation as the API shows it; statuses are camelCase words (running, succeeded, failed; done, skipped, rolledBack …).</summary>
public sealed record OperationDto(Guid Id, int TemplateId, int TemplateVersion, string Region, string Status, string? InstanceId,
    string? SecurityGroupId, string? Error, string StartedBy, DateTime StartedAt, DateTime? FinishedAt, IReadOnlyList<OperationStepDto> Steps)
{
    public static OperationDto From(LaunchOperation o) => new(o.Id, o.TemplateId, o.TemplateVersion, o.Region, Word(o.Status), o.InstanceId,
        o.SecurityGroupId, o.Error, o.StartedBy, o.StartedAt, o.FinishedAt, o.Steps.Select(s => new OperationStepDto(s.Name, Word(s.Status), s.Detail)).ToList());

    private static string Word<T>(T value) where T : Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}

public sealed record OperationStepDto(string Name, string Status, string? Detail);
