// TEMPORARY LOCAL STAND-IN (never committed): replaced by the ssm branch.
namespace BlazorAwsConsole.Probes.Ssm;
public sealed class SsmProbeRunner { public Task<Runners.ProbeOutcome> RunAsync(Runners.ProbeSpec spec, CancellationToken ct) => throw new NotImplementedException(); }
public static class TempSsmReg2 { public static IServiceCollection AddSsmProbes(this IServiceCollection s) => s.AddSingleton<SsmProbeRunner>(); }
