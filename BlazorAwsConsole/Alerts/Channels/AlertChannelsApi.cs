using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Secrets;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>
/// REST endpoints of the notification channels under <c>/api/alert-channels</c>: reading needs
/// CanView, changing and testing Admin. Secrets are accepted in bodies and shown only as "set"/"not set".
/// </summary>
public static class AlertChannelsApi
{
    private const int MaxBodyBytes = 16 * 1024;

    public static WebApplication MapAlertChannelsApi(this WebApplication app)
    {
        var channels = app.MapGroup("/api/alert-channels").WithTags("Alert channels")
            .RequireAuthorization(Policies.CanView)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));

        channels.MapGet("/", async (NotificationChannelService service, CancellationToken ct, int? page, int? pageSize) => Paging.Answer(await service.ListAsync(ct), page, pageSize))
            .WithName("ListAlertChannels").WithSummary("Notification channels (secrets only as set / not set)");
        channels.MapGet("/{id:int}", async (int id, NotificationChannelService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } channel ? TypedResults.Ok(channel) : NotFound(id))
            .WithName("GetAlertChannel").WithSummary("One notification channel").Produces<ChannelDto>().ProducesProblem(StatusCodes.Status404NotFound);
        channels.MapGet("/{id:int}/deliveries", async (int id, int? page, int? pageSize, NotificationChannelService service, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var paging = Paging.Read(page, pageSize, errors);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            return await service.DeliveriesAsync(id, paging.Page, paging.PageSize, ct) is { } list ? TypedResults.Ok(list) : NotFound(id);
        }).WithName("ListAlertChannelDeliveries").WithSummary("A channel's deliveries, newest first")
            .Produces<PagedList<DeliveryDto>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        channels.MapPost("/", async (ChannelRequest? request, NotificationChannelService service, HttpContext context, CancellationToken ct) =>
            request is null ? SecretsApi.EmptyBody()
                : SecretsApi.ToResult(await service.AddAsync(request, Caller.From(context), ct), created: dto => $"/api/alert-channels/{dto.Id}"))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("CreateAlertChannel").WithSummary("Add a channel (its secrets go to Vault)").Produces<ChannelDto>(StatusCodes.Status201Created).WithSettingsProblems();
        channels.MapPut("/{id:int}", async (int id, ChannelRequest? request, NotificationChannelService service, HttpContext context, CancellationToken ct) =>
            request is null ? SecretsApi.EmptyBody() : SecretsApi.ToResult(await service.UpdateAsync(id, request, Caller.From(context), ct)))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("UpdateAlertChannel").WithSummary("Change a channel; a secret left out is kept").Produces<ChannelDto>().WithSettingsProblems();
        channels.MapDelete("/{id:int}", async (int id, NotificationChannelService service, HttpContext context, CancellationToken ct) =>
            SecretsApi.ToResult(await service.DeleteAsync(id, Caller.From(context), ct), noContent: true))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("DeleteAlertChannel").WithSummary("Delete a channel and its secrets").Produces(StatusCodes.Status204NoContent).WithSettingsProblems();
        // 200 whether or not the sample got through: the answer says which, and why not.
        channels.MapPost("/{id:int}/test", async (int id, NotificationChannelService service, HttpContext context, CancellationToken ct) =>
            SecretsApi.ToResult(await service.TestAsync(id, Caller.From(context), ct)))
            .RequireAuthorization(Policies.CanAdminister)
            .WithName("TestAlertChannel").WithSummary("Send a sample notification now and say whether it got through").Produces<TestSendResult>().WithSettingsProblems();
        return app;
    }

    private static IResult NotFound(int id) =>
        TypedResults.Problem($"No notification channel {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
