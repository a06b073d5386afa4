using Microsoft.AspNetCore.Authorization;

namespace BlazorAwsConsole.Access;

/// <summary>The named policies every page, button and endpoint sits behind.</summary>
public static class Policies
{
    public const string CanView = nameof(CanView);
    public const string CanOperate = nameof(CanOperate);
    public const string CanAdminister = nameof(CanAdminister);

    /// <summary>Which roles each policy lets in; the role matrix test reads this table.</summary>
    public static IReadOnlyDictionary<string, string[]> Roles { get; } = new Dictionary<string, string[]>
    {
        [CanView] = [ConsoleRoles.Viewer, ConsoleRoles.Operator, ConsoleRoles.Admin],
        [CanOperate] = [ConsoleRoles.Operator, ConsoleRoles.Admin],
        [CanAdminister] = [ConsoleRoles.Admin],
    };

    public static void Add(AuthorizationOptions options)
    {
        foreach (var (name, roles) in Roles)
        {
            options.AddPolicy(name, policy => policy.RequireAuthenticatedUser().RequireRole(roles));
        }
        // Anything not marked otherwise needs a signed-in user; endpoints still carry their own named policy.
        options.FallbackPolicy = options.GetPolicy(CanView);
    }
}
