using Amazon.Runtime;

namespace BlazorAwsConsole.Infrastructure;

/// <param name="CredentialSet">The credential set serving the region (part of the client cache key), or null.</param>
/// <param name="Credentials">Credentials to sign with; null keeps the mode's default (sandbox key, or the SDK default chain).</param>
/// <param name="Source">Where they come from, in words for the settings pages.</param>
public sealed record RegionCredentials(string? CredentialSet, AWSCredentials? Credentials, string Source);

/// <summary>Which credentials sign calls to a region. Implemented by the Secrets feature (Vault); absent, the mode's default applies.</summary>
public interface IRegionCredentials
{
    RegionCredentials For(string region);
}
