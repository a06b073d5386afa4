using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.ProbeLocations.AgentLaunch;
using BlazorAwsConsole.Secrets;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.ProbeLocations;

/// <summary>
/// REST endpoints of probe locations under <c>/api/probe-locations</c>: every signed-in role reads them (tests name
/// their locations); Admins add, edit, delete them and manage their agents' tokens. A token is in the answer that
/// made it and nowhere else.
/// </summary>
public static class ProbeLocationsApi
{
    private const int MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapProbeLocationsApi(this IEndpointRouteBuilder app)
    {
        var locations = app.MapGroup("/api/probe-locations").WithTags("Probe locations")
            .RequireAuthorization(Policies.CanView)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));

        locations.MapGet("/", async (ProbeLocationService service, CancellationToken ct, int? page, int? pageSize) => Paging.Answer(await service.ListAsync(ct), page, pageSize))
            .WithName("ListProbeLocations").WithSummary("Probe locations, the console's own first, with their tokens (never a token itself)");
        locations.MapGet("/{id:int}", async (int id, ProbeLocationService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } location ? TypedResults.Ok(location) : SecretsApi.ToResult(ProbeLocationService.NotFound<ProbeLocationDto>(id)))
            .WithName("GetProbeLocation").WithSummary("One probe location").Produces<ProbeLocationDto>().ProducesProblem(StatusCodes.Status404NotFound);

        locations.MapPost("/", async (ProbeLocationRequest? request, ProbeLocationService service, HttpContext context, CancellationToken ct) =>
            request is null ? SecretsApi.EmptyBody()
                : SecretsApi.ToResult(await service.AddAsync(request, Caller.From(context), ct), created: dto => $"/api/probe-locations/{dto.Id}"))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("AddProbeLocation").WithSummary("Add a location for probe agents: name, optional AWS region and description")
            .Produces<ProbeLocationDto>(StatusCodes.Status201Created).WithSettingsProblems();
        locations.MapPut("/{id:int}", async (int id, ProbeLocationRequest? request, ProbeLocationService service, HttpContext context, CancellationToken ct) =>
            request is null ? SecretsApi.EmptyBody() : SecretsApi.ToResult(await service.UpdateAsync(id, request, Caller.From(context), ct)))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("UpdateProbeLocation").WithSummary("Edit a location; fields left out keep their values (the console's own location keeps its name)")
            .Produces<ProbeLocationDto>().WithSettingsProblems();
        locations.MapDelete("/{id:int}", async (int id, ProbeLocationService service, HttpContext context, CancellationToken ct) =>
            SecretsApi.ToResult(await service.DeleteAsync(id, Caller.From(context), ct), noContent: true))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("DeleteProbeLocation").WithSummary("Delete a location and its tokens (not the console's own)")
            .Produces(StatusCodes.Status204NoContent).WithSettingsProblems();

        locations.MapPost("/{id:int}/tokens", async (int id, LocationTokenRequest? request, LocationTokenService tokens, HttpContext context, CancellationToken ct) =>
            request is null ? SecretsApi.EmptyBody()
                : SecretsApi.ToResult(await tokens.CreateAsync(id, request, Caller.From(context), ct), created: dto => $"/api/probe-locations/{id}"))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("CreateProbeLocationToken").WithSummary("A token for the location's agents: in this answer only, stored hashed")
            .Produces<NewLocationTokenDto>(StatusCodes.Status201Created).WithSettingsProblems();
        locations.MapPost("/{id:int}/tokens/{tokenId:int}/rotate", async (int id, int tokenId, RotateTokenRequest? request, LocationTokenService tokens, HttpContext context, CancellationToken ct) =>
            SecretsApi.ToResult(await tokens.RotateAsync(id, tokenId, request ?? new RotateTokenRequest(null), Caller.From(context), ct), created: _ => $"/api/probe-locations/{id}"))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("RotateProbeLocationToken").WithSummary("A new token under the same name; the old one stays good for overlapMinutes (default 60)")
            .Produces<NewLocationTokenDto>(StatusCodes.Status201Created).WithSettingsProblems();
        locations.MapDelete("/{id:int}/tokens/{tokenId:int}", async (int id, int tokenId, LocationTokenService tokens, HttpContext context, CancellationToken ct) =>
            SecretsApi.ToResult(await tokens.RevokeAsync(id, tokenId, Caller.From(context), ct), noContent: true))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("RevokeProbeLocationToken").WithSummary("Revoke a token at once")
            .Produces(StatusCodes.Status204NoContent).WithSettingsProblems();

        locations.MapPost("/{id:int}/agents/launch", async (int id, AgentLaunchRequest? request, AgentLauncher launcher, HttpContext context) =>
            request is null ? SecretsApi.EmptyBody()
                // Not tied to the request: once the token is made, the launch finishes (or is undone) even if the client hangs up.
                : SecretsApi.ToResult(await launcher.LaunchAsync(id, request, ConsoleAddress(context.Request), Caller.From(context), CancellationToken.None),
                    created: dto => $"/api/instances/{dto.InstanceId}"))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("LaunchProbeAgent")
            .WithSummary("Launch an EC2 instance running this location's agent; its new token goes to SSM Parameter Store (SecureString), never into the answer")
            .Produces<LaunchedAgentDto>(StatusCodes.Status201Created).WithSettingsProblems();
        return app;
    }

    /// <summary>The console's address as this request reached it: the agent's server when none is given or configured.</summary>
    private static string ConsoleAddress(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
