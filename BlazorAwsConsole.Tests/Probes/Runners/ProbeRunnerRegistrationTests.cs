using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Probes.Runners;

public sealed class ProbeRunnerRegistrationTests
{
    [Fact]
    public void One_singleton_runner_per_type()
    {
        using var services = new ServiceCollection().AddProbeRunners().BuildServiceProvider();

        var runners = services.GetServices<IProbeRunner>().ToList();
        runners.Select(r => r.Type).Should().BeEquivalentTo(Enum.GetValues<ProbeType>());
        services.GetServices<IProbeRunner>().Should().Equal(runners, (a, b) => ReferenceEquals(a, b));
    }
}
