using Microsoft.Extensions.DependencyInjection;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Access;

public sealed class SandboxDemoAdminTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task A_sandbox_console_without_users_gets_a_demo_admin_and_only_once()
    {
        await using var console = await ConsoleHost.StartAsync(moto, "Access:SandboxDemoAdmin=true");

        await using var scope = console.Services.CreateAsyncScope();
        var users = await scope.ServiceProvider.GetRequiredService<UserAdminService>().ListAsync(CancellationToken.None);
        users.Should().ContainSingle(u => u.Name == AccessStartup.DemoAdminName && u.Role == ConsoleRoles.Admin);
    }

    [Fact]
    public async Task A_console_against_real_AWS_never_makes_a_demo_admin()
    {
        await using var console = await ConsoleHost.StartAsync(moto, "Access:SandboxDemoAdmin=true", "Aws:Mode=Aws",
            "Fleet:Regions:0:ServiceUrl=" + moto.Endpoint);

        await using var scope = console.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<UserAdminService>().ListAsync(CancellationToken.None))
            .Should().NotContain(u => u.Name == AccessStartup.DemoAdminName);
    }
}
