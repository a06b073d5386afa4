using BlazorAwsConsole.Access;

namespace BlazorAwsConsole.Secrets;

public enum SettingsOutcome
{
    Ok,
    /// <summary>The request is wrong; <see cref="SettingsResult{T}.Errors"/> names each field.</summary>
    Invalid,
    NotFound,
    Conflict,
    /// <summary>Vault (or the credentials it holds) cannot be had: unreachable, sealed, not configured.</summary>
    Unavailable,
    /// <summary>Vault or AWS answered with a failure (403, an error): a bad gateway for the caller.</summary>
    UpstreamFailed,
}

/// <summary>What a settings service did, in a shape both the pages and the API can show.</summary>
public sealed record SettingsResult<T>(SettingsOutcome Outcome, T? Value, string? Message, IDictionary<string, string[]>? Errors = null)
{
    public bool Succeeded => Outcome == SettingsOutcome.Ok;

    public static SettingsResult<T> Ok(T value, string? message = null) => new(SettingsOutcome.Ok, value, message);
    public static SettingsResult<T> Invalid(IDictionary<string, string[]> errors) =>
        new(SettingsOutcome.Invalid, default, string.Join(" ", errors.SelectMany(e => e.Value)), errors);
    public static SettingsResult<T> Invalid(string field, string error) => Invalid(new Dictionary<string, string[]> { [field] = [error] });
    public static SettingsResult<T> Fail(SettingsOutcome outcome, string message) => new(outcome, default, message);

    /// <summary>A Vault failure as an outcome: down, sealed or unconfigured is Unavailable (503); denial or an error is UpstreamFailed (502).</summary>
    public static SettingsResult<T> From(VaultException error) => Fail(
        error is VaultUnreachableException or VaultSealedException or VaultNotConfiguredException
            ? SettingsOutcome.Unavailable : SettingsOutcome.UpstreamFailed,
        $"Vault: {error.Reason}");
}

public static class SettingsAudit
{
    /// <summary>Runs a settings change and writes it, with its outcome, to the access log.</summary>
    public static async Task<SettingsResult<T>> AuditedAsync<T>(this AuditLog audit, Caller caller, string action, string target, Task<SettingsResult<T>> change)
    {
        var result = await change;
        await audit.WriteAsync(caller.Name, caller.Address, action, target,
            result.Succeeded ? "ok" : $"{result.Outcome.ToString().ToLowerInvariant()}: {result.Message}", CancellationToken.None);
        return result;
    }
}
