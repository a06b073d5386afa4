namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// Which health endpoint runs a check: <c>/healthz</c> (liveness: cheap, from what this node already
/// knows) runs the untagged checks and those tagged <see cref="Live"/>; <c>/healthz/ready</c>
/// (readiness: asks the dependencies) runs those tagged <see cref="Ready"/>.
/// </summary>
public static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}
