using Amazon.Runtime;

namespace BlazorAwsConsole.Secrets;

/// <summary>
/// AWS credentials of one credential set, fetched from Vault on every signing through the
/// provider's cache. Clients keep this object for their lifetime, so a new KV version, a renewed
/// lease or a rotation is picked up without rebuilding any client (why not RefreshingAWSCredentials:
/// its clock is the SDK's, not our TimeProvider, and a rotation must be able to drop the cache at once).
/// </summary>
public sealed class VaultAwsCredentials(string credentialSet, VaultCredentialProvider provider) : AWSCredentials
{
    public string CredentialSet { get; } = credentialSet;

    public override ImmutableCredentials GetCredentials() =>
        GetCredentialsAsync().ConfigureAwait(false).GetAwaiter().GetResult();

    public override Task<ImmutableCredentials> GetCredentialsAsync() => provider.GetAsync(CredentialSet, CancellationToken.None);
}
