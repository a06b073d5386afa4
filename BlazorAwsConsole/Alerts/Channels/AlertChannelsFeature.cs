using System.Net.Security;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Alerts.Channels.Senders;

namespace BlazorAwsConsole.Alerts.Channels;

public static class AlertChannelsFeature
{
    /// <summary>The console's public URL (preferred over Alerts:Delivery:ConsoleUrl), for links in notifications.</summary>
    public const string PublicUrlKey = "Console:PublicUrl";

    /// <summary>Notification channels, their senders and the delivery worker; <see cref="IAlertNotifier"/> is what the alert engine takes.</summary>
    public static WebApplicationBuilder AddAlertChannels(this WebApplicationBuilder builder)
    {
        builder.Services.AddAlertChannelServices();
        builder.Services.AddHostedService<DeliveryWorker>();
        return builder;
    }

    /// <summary>Everything but the delivery worker: what a page or a component test needs to read and change channels.</summary>
    public static IServiceCollection AddAlertChannelServices(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section)
            // Console:PublicUrl is the console's public address for every feature; Alerts:Delivery:ConsoleUrl still works alone.
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                if (configuration[PublicUrlKey] is { Length: > 0 } publicUrl) options.ConsoleUrl = publicUrl;
            })
            .ValidateDataAnnotations().ValidateOnStart();
        // Each send has its own deadline (Alerts:Delivery:TimeoutSeconds); the client's own is a backstop.
        services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = TimeSpan.FromMinutes(5))
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = provider.GetRequiredService<EndpointGuard>().ConnectAsync,
                // An endpoint's certificate must not make the console fetch the URLs it names (past the guard).
                SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = ChainVerdicts.NoDownloads() },
            })
            // The factory's request logging writes full URLs, and a Slack webhook's URL is a credential.
            .RemoveAllLoggers();
        services.AddSingleton<EndpointGuard>();
        services.AddSingleton<ChannelSecrets>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<SlackSender>();
        services.AddSingleton<EmailSender>();
        services.AddSingleton<IKindSender, PagerDutySender>();
        services.AddSingleton<IKindSender, OpsgenieSender>();
        services.AddSingleton<IKindSender, TeamsSender>();
        services.AddSingleton<IKindSender, DiscordSender>();
        services.AddSingleton<IKindSender, GoogleChatSender>();
        services.AddSingleton<IKindSender, MattermostSender>();
        services.AddSingleton<IKindSender, TelegramSender>();
        services.AddSingleton<IKindSender, NtfySender>();
        services.AddSingleton<IKindSender, PushoverSender>();
        services.AddSingleton<ChannelSender>();
        services.AddSingleton<ChannelHealth>();
        services.AddSingleton<NotificationChannelService>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<IAlertNotifier>(provider => provider.GetRequiredService<DeliveryQueue>());
        return services;
    }
}
