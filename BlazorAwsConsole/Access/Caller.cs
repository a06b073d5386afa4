using System.Security.Claims;

namespace BlazorAwsConsole.Access;

/// <summary>Who asked for something and from where: what the access log and the change log record.</summary>
public sealed record Caller(ClaimsPrincipal User, string? Address)
{
    public string Name => AuditLog.NameOf(User);

    public static Caller From(HttpContext context) => new(context.User, context.Connection.RemoteIpAddress?.ToString());

    /// <summary>The console itself (a job, the CLI, start-up), named after the part that acts.</summary>
    public static Caller System(string name) =>
        new(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, ConsoleRoles.Admin)], "system")), "local");
}
