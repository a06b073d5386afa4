using System.Security.Claims;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Access;

/// <summary>
/// Writes the access log: one row per action, and the same line as a structured log event. There is
/// no way to change or delete a row through the console (append-only).
/// </summary>
public sealed class AuditLog(IDbContextFactory<ConsoleDbContext> contexts, TimeProvider time, ILogger<AuditLog> logger)
{
    public async Task WriteAsync(string actor, string? address, string action, string target, string result, CancellationToken cancellationToken = default)
    {
        var entry = new AuditEntry
        {
            At = time.GetUtcNow().UtcDateTime,
            Actor = Truncation.Text(actor, 256),
            Address = address,
            Action = Truncation.Text(action, 128),
            Target = Truncation.Text(target, 512),
            Result = Truncation.Text(result, 512),
        };
        logger.LogInformation("Audit {AuditAction} on {AuditTarget} by {AuditActor} from {AuditAddress}: {AuditResult}",
            entry.Action, entry.Target, entry.Actor, entry.Address, entry.Result);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.AuditEntries.Add(entry);
        // The log must be written even if the request that caused it is cancelled.
        await db.SaveChangesAsync(CancellationToken.None);
    }

    public Task WriteAsync(ClaimsPrincipal user, string? address, string action, string target, string result, CancellationToken cancellationToken = default) =>
        WriteAsync(NameOf(user), address, action, target, result, cancellationToken);

    public static string NameOf(ClaimsPrincipal? user) =>
        user?.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "anonymous";

    public async Task<(List<AuditEntry> Items, int Total)> SearchAsync(AuditFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor)) query = query.Where(e => e.Actor.Contains(filter.Actor));
        if (!string.IsNullOrWhiteSpace(filter.Action)) query = query.Where(e => e.Action.Contains(filter.Action));
        if (!string.IsNullOrWhiteSpace(filter.Target)) query = query.Where(e => e.Target.Contains(filter.Target));
        if (filter.From is { } from) query = query.Where(e => e.At >= from);
        if (filter.To is { } to) query = query.Where(e => e.At <= to);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return (items, total);
    }

}

public sealed record AuditFilter(string? Actor = null, string? Action = null, string? Target = null, DateTime? From = null, DateTime? To = null);
