using System.Security.Cryptography;
using BlazorAwsConsole.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Access;

/// <summary>
/// Makes sure the three roles exist; in Sandbox mode with no user yet, creates a demo admin. Under the start-up lock:
/// nodes starting together would otherwise both find a role missing and both insert it (a unique index refuses the
/// second, and that node would stop).
/// </summary>
public sealed class AccessStartup(IServiceScopeFactory scopes, StartupLock startupLock, IOptions<AwsOptions> aws, IOptions<AccessOptions> access,
    ILogger<AccessStartup> logger) : IHostedService
{
    public const string DemoAdminName = "admin";

    public Task StartAsync(CancellationToken cancellationToken) => startupLock.RunAsync(SeedAsync, cancellationToken);

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in ConsoleRoles.All)
        {
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
        }

        var users = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        if (aws.Value.Mode != AwsMode.Sandbox || !access.Value.SandboxDemoAdmin || await users.AnyUserAsync(cancellationToken)) return;

        // The issue asks for the demo admin's one-time password in the console log: it is a throwaway
        // sandbox account, and there is no other channel to hand it to the person who started the console.
        var password = "Demo-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y') + "1!";
        var errors = await users.AddAsync(DemoAdminName, password, ConsoleRoles.Admin, Caller.System("sandbox"));
        if (errors.Count == 0)
        {
            logger.LogWarning("Sandbox demo admin created: sign in as '{User}' with password {Password} (shown once; change it on the Users page)",
                DemoAdminName, password);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
