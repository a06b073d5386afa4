using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BlazorAwsConsole.Probes.Runners;

public static class ProbeRunnerRegistration
{
    /// <summary>
    /// The runners, one per type, as <see cref="IProbeRunner"/> singletons (each is stateless and safe to run
    /// many times at once); resolve <c>IEnumerable&lt;IProbeRunner&gt;</c> and pick by <see cref="IProbeRunner.Type"/>.
    /// </summary>
    public static IServiceCollection AddProbeRunners(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        // One per process: it owns the shared raw ICMP sockets that ping and traceroute send through.
        services.TryAddSingleton<IcmpEchoClient>();
        services.AddSingleton<IProbeRunner, PingRunner>();
        services.AddSingleton<IProbeRunner, TracerouteRunner>();
        services.AddSingleton<IProbeRunner, PortRunner>();
        services.AddSingleton<IProbeRunner, HttpRunner>();
        services.AddSingleton<IProbeRunner, DnsRunner>();
        services.AddSingleton<IProbeRunner, TlsRunner>();
        return services;
    }
}
