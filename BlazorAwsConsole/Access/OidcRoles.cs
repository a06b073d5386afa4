using System.Security.Claims;

namespace BlazorAwsConsole.Access;

/// <summary>Maps the identity provider's role (or group) claim values to console roles.</summary>
public static class OidcRoles
{
    public static IEnumerable<string> Map(ClaimsIdentity identity, AccessOptions.OidcOptions oidc) =>
        identity.FindAll(oidc.RoleClaim)
            .Select(claim => oidc.RoleMap.TryGetValue(claim.Value, out var mapped) ? ConsoleRoles.Parse(mapped) : ConsoleRoles.Parse(claim.Value))
            .OfType<string>()
            .Distinct();
}
