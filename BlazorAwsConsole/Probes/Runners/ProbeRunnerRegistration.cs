// TEMPORARY LOCAL STAND-IN (never committed)
namespace BlazorAwsConsole.Probes.Runners;
public static class TempReg { public static IServiceCollection AddProbeRunners(this IServiceCollection s) => s; }
