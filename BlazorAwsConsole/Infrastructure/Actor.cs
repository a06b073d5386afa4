using System.Security.Claims;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>Names who did something, for the change log. Until sign-in exists (issue 4) callers are anonymous.</summary>
public static class Actor
{
    public static string From(ClaimsPrincipal? user, string channel) =>
        user?.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : $"anonymous ({channel})";

    public static string From(HttpContext context) =>
        From(context.User, $"api from {context.Connection.RemoteIpAddress}");
}
