using System.Collections.Concurrent;
using BlazorAwsConsole.Alerts.Channels;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>Takes the alert engine's notifications instead of the channels, so rule tests can read what would be sent.</summary>
public sealed class RecordingNotifier : IAlertNotifier
{
    public ConcurrentQueue<AlertNotification> Sent { get; } = new();

    public void Enqueue(AlertNotification notification, IReadOnlyList<int>? channelIds = null) => Sent.Enqueue(notification);
}
