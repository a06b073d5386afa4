using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Infrastructure;

public static class StartupBanner
{
    /// <summary>Prints where the console is served, once it is.</summary>
    public static void AnnounceAddress(this WebApplication app) => app.Lifetime.ApplicationStarted.Register(() =>
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var aws = app.Services.GetRequiredService<IOptions<AwsOptions>>().Value;
        var where = aws.Mode == AwsMode.Sandbox ? $"Sandbox mode, AWS is moto at {aws.ServiceUrl}" : "AWS mode";
        app.Logger.LogInformation("BlazorAwsConsole is ready at {Addresses} ({Where})", string.Join(" ", addresses), where);
    });
}
