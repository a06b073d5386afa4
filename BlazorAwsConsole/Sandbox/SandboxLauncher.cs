using BlazorAwsConsole.Infrastructure;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Sandbox;

/// <summary>
/// Before the console starts: in Sandbox mode, make sure moto answers. (The demo fleet is seeded later, by
/// <see cref="DemoFleetSeeder"/> after the migrations, under the start-up lock.)
/// </summary>
public sealed class SandboxLauncher(MotoServer moto, IOptions<AwsOptions> aws)
{
    /// <returns>Null when the console may start; otherwise the one line to print before exiting.</returns>
    public async Task<string?> PrepareAsync(CancellationToken cancellationToken)
    {
        if (aws.Value.Mode != AwsMode.Sandbox) return null;
        return await moto.EnsureRunningAsync(cancellationToken);
    }
}
