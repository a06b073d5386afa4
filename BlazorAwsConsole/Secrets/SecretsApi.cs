using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.Secrets;

/// <summary>
/// REST endpoints of Settings > AWS Settings, all under <c>/api/settings</c>, admin only. A secret
/// key is accepted in request bodies and never returned.
/// </summary>
public static class SecretsApi
{
    private const int MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        var settings = app.MapGroup("/api/settings").WithTags("Settings")
            .RequireAuthorization(Policies.CanAdminister)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));

        settings.MapGet("/credentials", async (CredentialService service, CancellationToken ct, int? page, int? pageSize) => Paging.Answer(await service.ListAsync(ct), page, pageSize))
            .WithName("ListCredentials").WithSummary("Credential sets (never a secret)");
        settings.MapPost("/credentials", async (AddCredentialRequest? request, CredentialService service, HttpContext context, CancellationToken ct) =>
            request is null ? EmptyBody() : ToResult(await service.AddAsync(request, Caller.From(context), ct), created: dto => $"/api/settings/credentials/{dto.Name}"))
            .WithName("AddCredential").WithSummary("Add a credential set (a key pair is written to Vault)")
            .Produces<CredentialSetDto>(StatusCodes.Status201Created).WithSettingsProblems();
        settings.MapPost("/credentials/{name}/test", async (string name, CredentialService service, HttpContext context, CancellationToken ct) =>
            ToResult(await service.TestAsync(name, Caller.From(context), ct)))
            .WithName("TestCredential").WithSummary("STS GetCallerIdentity through the set, as the fleet would use it")
            .Produces<CallerIdentityDto>().WithSettingsProblems();
        settings.MapPost("/credentials/{name}/rotate", async (string name, RotateCredentialRequest? request, CredentialService service, HttpContext context, CancellationToken ct) =>
            ToResult(await service.RotateAsync(name, request ?? new RotateCredentialRequest(null, null), Caller.From(context), ct)))
            .WithName("RotateCredential").WithSummary("Rotate a key pair (new KV version) or a Vault role's root key")
            .Produces<RotationDto>().WithSettingsProblems();
        settings.MapDelete("/credentials/{name}", async (string name, CredentialService service, HttpContext context, CancellationToken ct) =>
            ToResult(await service.DeleteAsync(name, Caller.From(context), ct), noContent: true))
            .WithName("DeleteCredential").WithSummary("Delete a credential set (and a key pair's secret with all its versions)")
            .Produces(StatusCodes.Status204NoContent).WithSettingsProblems();

        settings.MapGet("/regions", async (RegionSettingsService service, CancellationToken ct, int? page, int? pageSize) => Paging.Answer(await service.ListAsync(ct), page, pageSize))
            .WithName("ListRegionSettings").WithSummary("Watched regions with their credential source and last sync");
        settings.MapPost("/regions", async (AddRegionRequest? request, RegionSettingsService service, HttpContext context, CancellationToken ct) =>
            request is null ? EmptyBody() : ToResult(await service.AddAsync(request, Caller.From(context), ct), created: dto => $"/api/settings/regions/{dto.Code}"))
            .WithName("AddRegion").WithSummary("Watch a region (checked with EC2 DescribeRegions)")
            .Produces<RegionSettingDto>(StatusCodes.Status201Created).WithSettingsProblems();
        settings.MapPut("/regions/{code}", async (string code, UpdateRegionRequest? request, RegionSettingsService service, HttpContext context, CancellationToken ct) =>
            request is null ? EmptyBody() : ToResult(await service.UpdateAsync(code, request, Caller.From(context), ct)))
            .WithName("UpdateRegion").WithSummary("Enable, disable or rename a region")
            .Produces<RegionSettingDto>().WithSettingsProblems();
        settings.MapDelete("/regions/{code}", async (string code, RegionSettingsService service, HttpContext context, CancellationToken ct) =>
            ToResult(await service.RemoveAsync(code, Caller.From(context), ct), noContent: true))
            .WithName("RemoveRegion").WithSummary("Stop watching a region (its instances leave the inventory)")
            .Produces(StatusCodes.Status204NoContent).WithSettingsProblems();

        settings.MapGet("/vault", async (VaultMonitor monitor, CancellationToken ct) => TypedResults.Ok(await monitor.CheckAsync(ct)))
            .WithName("GetVaultStatus").WithSummary("Vault's address, auth method, mounts and status (never the token)");
        return app;
    }

    /// <summary>The answers <see cref="ToResult{T}"/> can give besides success, for the OpenAPI document.</summary>
    internal static RouteHandlerBuilder WithSettingsProblems(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    internal static IResult EmptyBody() => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON body is required."] });

    internal static IResult ToResult<T>(SettingsResult<T> result, Func<T, string>? created = null, bool noContent = false) => result.Outcome switch
    {
        SettingsOutcome.Ok when noContent => TypedResults.NoContent(),
        SettingsOutcome.Ok when created is not null => TypedResults.Created(created(result.Value!), result.Value),
        SettingsOutcome.Ok => TypedResults.Ok(result.Value),
        SettingsOutcome.Invalid => TypedResults.ValidationProblem(result.Errors!),
        SettingsOutcome.NotFound => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        SettingsOutcome.Conflict => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict"),
        SettingsOutcome.Unavailable => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Vault or the credentials are unavailable"),
        _ => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status502BadGateway, title: "Vault or AWS refused"),
    };
}
