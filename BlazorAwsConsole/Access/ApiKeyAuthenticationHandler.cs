using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Access;

/// <summary>Authenticates `Authorization: Bearer &lt;key&gt;` against the stored API keys.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TryReadBearer(Request, out var key)) return AuthenticateResult.NoResult();
        var record = await keys.ValidateAsync(key, Context.RequestAborted);
        if (record is null) return AuthenticateResult.Fail("The API key is unknown or revoked.");

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"apikey:{record.Name}"), new Claim(ClaimTypes.Role, record.Role)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    public static bool TryReadBearer(HttpRequest request, out string key)
    {
        var header = request.Headers.Authorization.ToString();
        key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        return key.Length > 0;
    }
}
