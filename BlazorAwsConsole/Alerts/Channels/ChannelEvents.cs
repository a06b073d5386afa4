namespace BlazorAwsConsole.Alerts.Channels;

/// <summary>Published on the live feed when a channel starts or stops being flagged as failing (the dashboard shows the flag).</summary>
public sealed record ChannelHealthChanged(int ChannelId, string Name, bool IsFailing, string? LastError);

/// <summary>Published after a channel was added, changed or deleted.</summary>
public sealed record NotificationChannelsChanged(int ChannelId);

/// <summary>Published when a delivery attempt finished (sent, retrying or failed).</summary>
public sealed record NotificationDeliveryRecorded(int ChannelId, long DeliveryId, DeliveryStatus Status);
