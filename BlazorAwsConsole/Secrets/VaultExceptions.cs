using System.Net;

namespace BlazorAwsConsole.Secrets;

/// <summary>
/// Vault answered with an error. <see cref="Errors"/> holds Vault's own messages (its "errors"
/// array); <see cref="Reason"/> is the one line shown to people. Never carries a token or secret.
/// </summary>
public class VaultException(string reason, HttpStatusCode? status = null, IReadOnlyList<string>? errors = null, Exception? inner = null)
    : Exception(reason, inner)
{
    public HttpStatusCode? Status { get; } = status;
    public IReadOnlyList<string> Errors { get; } = errors ?? [];
    public string Reason => Message;
}

/// <summary>No answer from Vault at all: refused connection, DNS failure or timeout.</summary>
public sealed class VaultUnreachableException(string reason, Exception? inner = null) : VaultException(reason, null, null, inner);

/// <summary>Vault is sealed (503 "Vault is sealed", or sys/health says so).</summary>
public sealed class VaultSealedException(string reason, IReadOnlyList<string>? errors = null)
    : VaultException(reason, HttpStatusCode.ServiceUnavailable, errors);

/// <summary>403: the token is missing, expired, revoked, or its policy does not allow the path.</summary>
public sealed class VaultForbiddenException(string reason, IReadOnlyList<string>? errors = null)
    : VaultException(reason, HttpStatusCode.Forbidden, errors);

/// <summary>404: nothing at that path (or that version is deleted).</summary>
public sealed class VaultNotFoundException(string reason, IReadOnlyList<string>? errors = null)
    : VaultException(reason, HttpStatusCode.NotFound, errors);

/// <summary>A check-and-set write lost: the path changed since it was read.</summary>
public sealed class VaultCasConflictException(string reason, IReadOnlyList<string>? errors = null)
    : VaultException(reason, HttpStatusCode.BadRequest, errors);

/// <summary>The console has no Vault configured, yet something needs it.</summary>
public sealed class VaultNotConfiguredException()
    : VaultException("Vault is not configured (set Vault:Address).");
