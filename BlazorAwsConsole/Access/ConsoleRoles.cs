using System.Security.Claims;

namespace BlazorAwsConsole.Access;

/// <summary>The three roles, from least to most trusted.</summary>
public static class ConsoleRoles
{
    /// <summary>Sees everything except settings and the access log.</summary>
    public const string Viewer = "Viewer";
    /// <summary>Also starts, stops and reboots instances and manages synthetic tests.</summary>
    public const string Operator = "Operator";
    /// <summary>Also terminates, manages jump servers, credentials, regions, users and roles, and reads the access log.</summary>
    public const string Admin = "Admin";

    public static IReadOnlyList<string> All { get; } = [Viewer, Operator, Admin];

    /// <summary>The role's canonical spelling, or null when it is not one of the three.</summary>
    public static string? Parse(string? role) => All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));

    public static bool CanOperate(ClaimsPrincipal user) => user.IsInRole(Operator) || user.IsInRole(Admin);

    public static bool CanAdminister(ClaimsPrincipal user) => user.IsInRole(Admin);
}
