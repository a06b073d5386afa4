using System.ComponentModel.DataAnnotations;

namespace BlazorAwsConsole.Access;

/// <summary>Settings section "Access".</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>Failed sign-ins before an account is locked.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Sign-in attempts allowed per client address per minute.</summary>
    [Range(1, 10000)]
    public int SignInsPerMinute { get; set; } = 10;

    /// <summary>API requests allowed per API key (or address) per minute.</summary>
    [Range(1, 1000000)]
    public int ApiRequestsPerMinute { get; set; } = 600;

    /// <summary>In Sandbox mode, create a demo admin with a one-time password when no user exists.</summary>
    public bool SandboxDemoAdmin { get; set; } = true;

    public OidcOptions Oidc { get; set; } = new();

    public sealed class OidcOptions
    {
        /// <summary>The identity provider; unset leaves single sign-on off.</summary>
        public string? Authority { get; set; }
        public string? ClientId { get; set; }
        /// <summary>Set it from the environment (Access__Oidc__ClientSecret), never in a committed file.</summary>
        public string? ClientSecret { get; set; }
        /// <summary>The claim that carries the user's groups or roles.</summary>
        public string RoleClaim { get; set; } = "roles";
        /// <summary>Claim value → console role, e.g. "noc-admins": "Admin". A value equal to a role name maps to it.</summary>
        public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);
        /// <summary>The button text on the sign-in page.</summary>
        public string DisplayName { get; set; } = "Single sign-on";

        public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
    }
}
