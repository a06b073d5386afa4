using BlazorAwsConsole.Access;
using System.Text.RegularExpressions;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.JumpServers;

/// <summary>POST /api/instances (launch) and POST /api/instances/{instanceId}/clone.</summary>
public static partial class InstanceLaunchApi
{
    private const int MaxBodyBytes = 128 * 1024;

    public static IEndpointRouteBuilder MapInstanceLaunchApi(this IEndpointRouteBuilder app)
    {
        var instances = app.MapGroup("/api/instances").WithTags("Fleet")
            .RequireAuthorization(Policies.CanAdminister); // new instances cost money: admins only
        instances.MapPost("/", Launch).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("LaunchInstance").WithSummary("Launch an instance")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);
        instances.MapPost("/{instanceId}/clone", Clone).WithMetadata(new RequestSizeLimitAttribute(4 * 1024))
            .WithName("CloneInstance").WithSummary("Launch a copy of an instance (not of a jump server)")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);
        return app;
    }

    [GeneratedRegex("^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex InstanceIdPattern();

    private static async Task<Results<Created<LaunchedInstance>, ValidationProblem, ProblemHttpResult>> Launch(
        InstanceLaunchInput? input, InstanceLauncher launcher, HttpContext context)
    {
        if (input is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["An instance (JSON object) is required."] });
        // Not tied to the request: once RunInstances is sent, the instance is recorded even if the client hangs up.
        var outcome = await launcher.LaunchAsync(input, Caller.From(context), CancellationToken.None);
        if (outcome.Errors is { Count: > 0 } errors) return TypedResults.ValidationProblem(errors);
        return Answer(outcome, null);
    }

    private static async Task<Results<Created<LaunchedInstance>, ValidationProblem, ProblemHttpResult, NotFound<ProblemDetails>>> Clone(
        string instanceId, CloneRequest? request, InstanceLauncher launcher, HttpContext context)
    {
        var errors = new Dictionary<string, string[]>();
        if (!InstanceIdPattern().IsMatch(instanceId)) errors["instanceId"] = [$"'{instanceId}' is not an EC2 instance id (i- followed by 8 or 17 hexadecimal digits)."];
        if (request?.Name?.Length > 256) errors["name"] = ["name must be at most 256 characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var outcome = await launcher.CloneAsync(instanceId, request?.Name, Caller.From(context), CancellationToken.None);
        if (outcome.Status == ActionStatus.NotFound)
        {
            return TypedResults.NotFound(new ProblemDetails { Title = "Instance not found", Detail = outcome.Message, Status = StatusCodes.Status404NotFound });
        }
        return outcome.Status switch
        {
            ActionStatus.Done => TypedResults.Created($"/api/instances/{outcome.InstanceId}", new LaunchedInstance(outcome.InstanceId!, instanceId)),
            ActionStatus.Refused => Refused(outcome),
            _ => Failed(outcome),
        };
    }

    private static Results<Created<LaunchedInstance>, ValidationProblem, ProblemHttpResult> Answer(InstanceLaunchOutcome outcome, string? source) => outcome.Status switch
    {
        ActionStatus.Done => TypedResults.Created($"/api/instances/{outcome.InstanceId}", new LaunchedInstance(outcome.InstanceId!, source)),
        ActionStatus.Refused => Refused(outcome),
        _ => Failed(outcome),
    };

    private static ProblemHttpResult Refused(InstanceLaunchOutcome outcome) =>
        TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict, title: "The launch was refused");

    private static ProblemHttpResult Failed(InstanceLaunchOutcome outcome) =>
        TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status502BadGateway, title: "AWS did not complete the launch");
}

public sealed record CloneRequest(string? Name);

public sealed record LaunchedInstance(string InstanceId, string? SourceInstanceId);
