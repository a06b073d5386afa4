using System.Collections.Concurrent;
using BlazorAwsConsole.Alerts.Channels;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>Takes the alert engine's notifications instead of the channels, so rule tests can read what would be sent (and to which channels).</summary>
public sealed class RecordingNotifier : IAlertNotifier
{
    public ConcurrentQueue<AlertNotification> Sent { get; } = new();

    /// <summary>Each notification with the channels it was addressed to (null: every enabled channel).</summary>
    public ConcurrentQueue<(AlertNotification Notification, IReadOnlyList<int>? ChannelIds)> Addressed { get; } = new();

    public void Enqueue(AlertNotification notification, IReadOnlyList<int>? channelIds = null)
    {
        Addressed.Enqueue((notification, channelIds));
        Sent.Enqueue(notification);
    }
}
