// TEMPORARY LOCAL STAND-IN (never committed): replaced by the runners branch.
namespace BlazorAwsConsole.Probes.Runners;
public static class TargetGuard { public static Task<string?> CheckAsync(string host, IReadOnlyList<string> allow, CancellationToken ct) => Task.FromResult<string?>(null); }
