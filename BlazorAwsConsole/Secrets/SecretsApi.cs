using BlazorAwsConsole.Access;
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

        settings.MapGet("/credentials", async (CredentialService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)));
        settings.MapPost("/credentials", async (AddCredentialRequest? request, CredentialService service, HttpContext context, CancellationToken ct) =>
            request is null ? EmptyBody() : ToResult(await service.AddAsync(request, Caller.From(context), ct), created: dto => $"/api/settings/credentials/{dto.Name}"));
        settings.MapPost("/credentials/{name}/test", async (string name, CredentialService service, HttpContext context, CancellationToken ct) =>
            ToResult(await service.TestAsync(name, Caller.From(context), ct)));
        settings.MapPost("/credentials/{name}/rotate", async (string name, RotateCredentialRequest? request, CredentialService service, HttpContext context, CancellationToken ct) =>
            ToResult(await service.RotateAsync(name, request ?? new RotateCredentialRequest(null, null), Caller.From(context), ct)));
        settings.MapDelete("/credentials/{name}", async (string name, CredentialService service, HttpContext context, CancellationToken ct) =>
            ToResult(await service.DeleteAsync(name, Caller.From(context), ct), noContent: true));

        settings.MapGet("/regions", async (RegionSettingsService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)));
        settings.MapPost("/regions", async (AddRegionRequest? request, RegionSettingsService service, HttpContext context, CancellationToken ct) =>
            request is null ? EmptyBody() : ToResult(await service.AddAsync(request, Caller.From(context), ct), created: dto => $"/api/settings/regions/{dto.Code}"));
        settings.MapPut("/regions/{code}", async (string code, UpdateRegionRequest? request, RegionSettingsService service, HttpContext context, CancellationToken ct) =>
            request is null ? EmptyBody() : ToResult(await service.UpdateAsync(code, request, Caller.From(context), ct)));
        settings.MapDelete("/regions/{code}", async (string code, RegionSettingsService service, HttpContext context, CancellationToken ct) =>
            ToResult(await service.RemoveAsync(code, Caller.From(context), ct), noContent: true));

        settings.MapGet("/vault", async (VaultMonitor monitor, CancellationToken ct) => TypedResults.Ok(await monitor.CheckAsync(ct)));
        return app;
    }

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
