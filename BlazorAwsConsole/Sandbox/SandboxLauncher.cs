using BlazorAwsConsole.Infrastructure;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Sandbox;

/// <summary>Before the console serves: in Sandbox mode, make sure moto answers and the demo fleet exists.</summary>
public sealed class SandboxLauncher(MotoServer moto, DemoFleetSeeder seeder, IOptions<AwsOptions> aws, IOptions<SandboxOptions> sandbox)
{
    /// <returns>Null when the console may start; otherwise the one line to print before exiting.</returns>
    public async Task<string?> PrepareAsync(CancellationToken cancellationToken)
    {
        if (aws.Value.Mode != AwsMode.Sandbox) return null;
        var problem = await moto.EnsureRunningAsync(cancellationToken);
        if (problem is not null) return problem;
        if (sandbox.Value.SeedDemoFleet) await seeder.SeedAsync(cancellationToken);
        return null;
    }
}
