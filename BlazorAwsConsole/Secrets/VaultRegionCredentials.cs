using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Secrets;

/// <summary>Tells the AWS client factory which credential set (and so which Vault secret) serves a region.</summary>
public sealed class VaultRegionCredentials(CredentialDirectory directory, VaultCredentialProvider provider) : IRegionCredentials
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, VaultAwsCredentials> _credentials = new(StringComparer.Ordinal);

    public RegionCredentials For(string region)
    {
        if (directory.ForRegion(region) is not { } set) return new RegionCredentials(null, null, "");
        var credentials = _credentials.GetOrAdd(set.Name, name => new VaultAwsCredentials(name, provider));
        var source = set.Kind == CredentialKind.KeyPair
            ? $"Vault: {set.Name} (key pair)"
            : $"Vault: {set.Name} (role {set.VaultPath})";
        return new RegionCredentials(set.Name, credentials, source);
    }
}
