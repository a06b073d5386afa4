using BlazorAwsConsole.Access;
using BlazorAwsConsole.Fleet;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.Alerts;

/// <summary>REST endpoints of alerts, rules and maintenance windows. Viewers read; Operators acknowledge and manage rules and windows.</summary>
public static class AlertsApi
{
    private const int MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/alerts").WithTags("Alerts");
        alerts.MapGet("/", ListAlerts).RequireAuthorization(Policies.CanView)
            .WithName("ListAlerts").WithSummary("Alerts, newest first: status open|resolved|all, severity, rule");
        alerts.MapGet("/{id:long}", GetAlert).RequireAuthorization(Policies.CanView)
            .WithName("GetAlert").WithSummary("One alert with its reminders, its escalation plan (each step's state) and the notifications sent for it");
        alerts.MapPost("/{id:long}/ack", Acknowledge).RequireAuthorization(Policies.CanOperate).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("AcknowledgeAlert").WithSummary("Acknowledge a firing alert, with an optional comment");

        var rules = app.MapGroup("/api/alert-rules").WithTags("Alerts");
        rules.MapGet("/", ListRules).RequireAuthorization(Policies.CanView)
            .WithName("ListAlertRules").WithSummary("Every alert rule");
        rules.MapPost("/", CreateRule).RequireAuthorization(Policies.CanOperate).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("CreateAlertRule").WithSummary("Create an alert rule");
        rules.MapGet("/{id:int}", GetRule).RequireAuthorization(Policies.CanView)
            .WithName("GetAlertRule").WithSummary("One alert rule");
        rules.MapPut("/{id:int}", UpdateRule).RequireAuthorization(Policies.CanOperate).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("UpdateAlertRule").WithSummary("Edit an alert rule; fields left out keep their values");
        rules.MapDelete("/{id:int}", DeleteRule).RequireAuthorization(Policies.CanOperate)
            .WithName("DeleteAlertRule").WithSummary("Delete a rule; its open alerts resolve, their history stays");

        var windows = app.MapGroup("/api/maintenance-windows").WithTags("Alerts");
        windows.MapGet("/", ListWindows).RequireAuthorization(Policies.CanView)
            .WithName("ListMaintenanceWindows").WithSummary("Maintenance windows current, coming and of the last week");
        windows.MapPost("/", CreateWindow).RequireAuthorization(Policies.CanOperate).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithName("CreateMaintenanceWindow").WithSummary("Silence rules, or instances with a tag, for a time");
        windows.MapDelete("/{id:int}", DeleteWindow).RequireAuthorization(Policies.CanOperate)
            .WithName("DeleteMaintenanceWindow").WithSummary("End and delete a maintenance window");
        return app;
    }

    private static async Task<Results<Ok<PagedList<AlertDto>>, ValidationProblem>> ListAlerts(AlertService service, CancellationToken cancellationToken,
        string? status = null, string? severity = null, int? ruleId = null, int? page = null, int? pageSize = null)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = Paging.Read(page, pageSize, errors);
        bool? open = status switch { null or "" or "all" => null, "open" => true, "resolved" => false, _ => null };
        if (status is not (null or "" or "all" or "open" or "resolved")) errors["status"] = ["status must be open, resolved or all."];
        AlertSeverity? level = null;
        if (!string.IsNullOrEmpty(severity))
        {
            if (Enum.TryParse<AlertSeverity>(severity, true, out var parsed) && !int.TryParse(severity, out _)) level = parsed;
            else errors["severity"] = ["severity must be info, warning or critical."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var (items, total) = await service.AlertsAsync(open, level, ruleId, paging.Page, paging.PageSize, cancellationToken);
        return TypedResults.Ok(new PagedList<AlertDto>(items.Select(AlertDto.From).ToList(), total, paging.Page, paging.PageSize));
    }

    private static async Task<Results<Ok<AlertDetailDto>, NotFound<ProblemDetails>>> GetAlert(long id, AlertService service, CancellationToken cancellationToken) =>
        await service.AlertAsync(id, cancellationToken) is { } alert ? TypedResults.Ok(alert) : AlertNotFound(id);

    private static async Task<Results<Ok<AlertDto>, NotFound<ProblemDetails>, Conflict<ProblemDetails>, ValidationProblem>> Acknowledge(
        long id, AcknowledgeRequest? request, AlertService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (request?.Comment is { Length: > 1000 }) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["comment"] = ["comment must be at most 1000 characters."] });
        var (outcome, alert) = await service.AcknowledgeAsync(id, request?.Comment, Caller.From(context), cancellationToken);
        return outcome switch
        {
            AckOutcome.Acknowledged => TypedResults.Ok(AlertDto.From(alert!)),
            AckOutcome.NotFound => AlertNotFound(id),
            _ => TypedResults.Conflict(new ProblemDetails { Title = "Alert already resolved", Detail = $"Alert {id} resolved at {alert!.ResolvedAt:u}; there is nothing to acknowledge.", Status = 409 }),
        };
    }

    private static async Task<Ok<PagedList<AlertRuleDto>>> ListRules(AlertService service, CancellationToken cancellationToken)
    {
        var rules = (await service.RulesAsync(cancellationToken)).Select(AlertRuleDto.From).ToList();
        return TypedResults.Ok(new PagedList<AlertRuleDto>(rules, rules.Count, 1, rules.Count));
    }

    private static async Task<Results<Ok<AlertRuleDto>, NotFound<ProblemDetails>>> GetRule(int id, AlertService service, CancellationToken cancellationToken) =>
        await service.RuleAsync(id, cancellationToken) is { } rule ? TypedResults.Ok(AlertRuleDto.From(rule)) : RuleNotFound(id);

    private static async Task<Results<Created<AlertRuleDto>, ValidationProblem>> CreateRule(
        AlertRuleDto? input, AlertService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody("An alert rule");
        var result = await service.CreateRuleAsync(input, Caller.From(context), cancellationToken);
        if (result.Errors.Count > 0) return TypedResults.ValidationProblem(result.Errors);
        return TypedResults.Created($"/api/alert-rules/{result.Rule!.Id}", AlertRuleDto.From(result.Rule));
    }

    private static async Task<Results<Ok<AlertRuleDto>, ValidationProblem, NotFound<ProblemDetails>>> UpdateRule(
        int id, AlertRuleDto? input, AlertService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody("An alert rule");
        var result = await service.UpdateRuleAsync(id, input, Caller.From(context), cancellationToken);
        if (result.NotFound) return RuleNotFound(id);
        if (result.Errors.Count > 0) return TypedResults.ValidationProblem(result.Errors);
        return TypedResults.Ok(AlertRuleDto.From(result.Rule!));
    }

    private static async Task<Results<NoContent, NotFound<ProblemDetails>>> DeleteRule(int id, AlertService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.DeleteRuleAsync(id, Caller.From(context), cancellationToken) ? TypedResults.NoContent() : RuleNotFound(id);

    private static async Task<Results<Ok<PagedList<MaintenanceWindowDto>>, ValidationProblem>> ListWindows(AlertService service, CancellationToken cancellationToken,
        int? page = null, int? pageSize = null) =>
        Paging.Answer((await service.WindowsAsync(cancellationToken)).Select(MaintenanceWindowDto.From).ToList(), page, pageSize);

    private static async Task<Results<Created<MaintenanceWindowDto>, ValidationProblem>> CreateWindow(
        MaintenanceWindowDto? input, AlertService service, HttpContext context, CancellationToken cancellationToken)
    {
        if (input is null) return MissingBody("A maintenance window");
        var (window, errors) = await service.CreateWindowAsync(input, Caller.From(context), cancellationToken);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Created($"/api/maintenance-windows/{window!.Id}", MaintenanceWindowDto.From(window));
    }

    private static async Task<Results<NoContent, NotFound<ProblemDetails>>> DeleteWindow(int id, AlertService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.DeleteWindowAsync(id, Caller.From(context), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.NotFound(new ProblemDetails { Title = "Maintenance window not found", Detail = $"No maintenance window {id}.", Status = 404 });

    private static ValidationProblem MissingBody(string what) => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["body"] = [$"{what} (JSON object) is required."],
    });

    private static NotFound<ProblemDetails> AlertNotFound(long id) =>
        TypedResults.NotFound(new ProblemDetails { Title = "Alert not found", Detail = $"No alert {id}.", Status = 404 });

    private static NotFound<ProblemDetails> RuleNotFound(int id) =>
        TypedResults.NotFound(new ProblemDetails { Title = "Alert rule not found", Detail = $"No alert rule {id}.", Status = 404 });
}
