using System.Globalization;
using System.Text;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.Access;

/// <summary>Users, API keys and the access log: admin only.</summary>
public static class AccessApi
{
    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        var access = app.MapGroup("/api/access").WithTags("Access").RequireAuthorization(Policies.CanAdminister);
        access.MapGet("/users", async (UserAdminService users, CancellationToken ct, int? page, int? pageSize) => Paging.Answer(await users.ListAsync(ct), page, pageSize))
            .WithName("ListUsers").WithSummary("Local users with their role and lock state");
        access.MapPost("/users", AddUser).WithName("AddUser").WithSummary("Create a local user");
        access.MapPut("/users/{name}/role", SetRole).WithName("SetUserRole").WithSummary("Change a user's role");
        access.MapPost("/users/{name}/lock", (string name, UserAdminService users, HttpContext context) => Answer(users.SetLockedAsync(name, true, Caller.From(context))))
            .WithName("LockUser").WithSummary("Lock a user out");
        access.MapPost("/users/{name}/unlock", (string name, UserAdminService users, HttpContext context) => Answer(users.SetLockedAsync(name, false, Caller.From(context))))
            .WithName("UnlockUser").WithSummary("Unlock a user");
        access.MapDelete("/users/{name}", (string name, UserAdminService users, HttpContext context) => Answer(users.DeleteAsync(name, Caller.From(context))))
            .WithName("DeleteUser").WithSummary("Delete a user");

        access.MapGet("/keys", async (ApiKeyService keys, CancellationToken ct, int? page, int? pageSize) =>
            Paging.Answer((await keys.ListAsync(ct)).Select(ApiKeyDto.From).ToList(), page, pageSize))
            .WithName("ListApiKeys").WithSummary("API keys (never the key itself)");
        access.MapPost("/keys", CreateKey).WithName("CreateApiKey").WithSummary("Create an API key; the answer holds the key, once");
        access.MapDelete("/keys/{id:int}", RevokeKey).WithName("RevokeApiKey").WithSummary("Revoke an API key");

        access.MapGet("/log", ReadLog).WithName("ReadAccessLog").WithSummary("The access log, filtered and paged");
        access.MapGet("/log.csv", ExportLog).WithName("ExportAccessLog").WithSummary("The access log as CSV")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        return app;
    }

    public sealed record NewUser(string? Name, string? Password, string? Role);
    public sealed record RoleChange(string? Role);
    public sealed record NewApiKey(string? Name, string? Role);
    public sealed record CreatedApiKey(int Id, string Name, string Role, string Key, string Prefix);

    public sealed record ApiKeyDto(int Id, string Name, string Role, string Prefix, DateTime CreatedAt, string CreatedBy, DateTime? LastUsedAt, DateTime? RevokedAt)
    {
        public static ApiKeyDto From(ApiKey k) => new(k.Id, k.Name, k.Role, k.Prefix, k.CreatedAt, k.CreatedBy, k.LastUsedAt, k.RevokedAt);
    }

    private static async Task<Results<Created, ValidationProblem>> AddUser(NewUser request, UserAdminService users, HttpContext context)
    {
        var errors = await users.AddAsync(request.Name, request.Password, request.Role, Caller.From(context));
        return errors.Count == 0 ? TypedResults.Created($"/api/access/users/{Uri.EscapeDataString(request.Name!.Trim())}") : TypedResults.ValidationProblem(errors);
    }

    private static Task<Results<NoContent, ValidationProblem>> SetRole(string name, RoleChange request, UserAdminService users, HttpContext context) =>
        Answer(users.SetRoleAsync(name, request.Role, Caller.From(context)));

    private static async Task<Results<NoContent, ValidationProblem>> Answer(Task<Dictionary<string, string[]>> change)
    {
        var errors = await change;
        return errors.Count == 0 ? TypedResults.NoContent() : TypedResults.ValidationProblem(errors);
    }

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> CreateKey(
        NewApiKey request, ApiKeyService keys, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100) errors["name"] = ["A name of 1 to 100 characters is required."];
        if (ConsoleRoles.Parse(request.Role) is null) errors["role"] = [$"Role must be one of {string.Join(", ", ConsoleRoles.All)}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var caller = Caller.From(context);
        var (key, record) = await keys.CreateAsync(request.Name!.Trim(), request.Role!, caller.Name, ct);
        await audit.WriteAsync(caller.Name, caller.Address, "apikey.create", $"{record.Name} ({record.Prefix}…)", $"ok as {record.Role}", ct);
        return TypedResults.Created($"/api/access/keys/{record.Id}", new CreatedApiKey(record.Id, record.Name, record.Role, key, record.Prefix));
    }

    private static async Task<Results<NoContent, NotFound<ProblemDetails>>> RevokeKey(int id, ApiKeyService keys, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var caller = Caller.From(context);
        var revoked = await keys.RevokeAsync(id, ct);
        await audit.WriteAsync(caller.Name, caller.Address, "apikey.revoke", id.ToString(CultureInfo.InvariantCulture), revoked ? "ok" : "refused: no such active key", ct);
        return revoked ? TypedResults.NoContent()
            : TypedResults.NotFound(new ProblemDetails { Title = "API key not found", Detail = $"No active API key has id {id}.", Status = 404 });
    }

    private static async Task<Results<Ok<PagedAudit>, ValidationProblem>> ReadLog(AuditLog audit, HttpContext context, CancellationToken ct,
        string? actor = null, string? action = null, string? target = null, DateTime? from = null, DateTime? to = null, int? page = null, int? pageSize = null)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = Paging.Read(page, pageSize, errors);
        if (from > to) errors["from"] = ["from must not be after to."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var (items, total) = await audit.SearchAsync(new AuditFilter(actor, action, target, from?.ToUniversalTime(), to?.ToUniversalTime()),
            (paging.Page - 1) * paging.PageSize, paging.PageSize, ct);
        return TypedResults.Ok(new PagedAudit(items, total, paging.Page, paging.PageSize));
    }

    public sealed record PagedAudit(IReadOnlyList<AuditEntry> Items, int Total, int Page, int PageSize);

    private static async Task<IResult> ExportLog(AuditLog audit, HttpContext context, CancellationToken ct,
        string? actor = null, string? action = null, string? target = null, DateTime? from = null, DateTime? to = null)
    {
        var (items, _) = await audit.SearchAsync(new AuditFilter(actor, action, target, from?.ToUniversalTime(), to?.ToUniversalTime()), 0, 100_000, ct);
        await audit.WriteAsync(Caller.From(context).Name, Caller.From(context).Address, "accesslog.export", "", $"ok: {items.Count} rows", ct);
        return TypedResults.File(Encoding.UTF8.GetBytes(AuditCsv.Write(items)), "text/csv", "access-log.csv");
    }
}
