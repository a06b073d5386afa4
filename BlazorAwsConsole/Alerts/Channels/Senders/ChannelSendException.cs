namespace BlazorAwsConsole.Alerts.Channels.Senders;

/// <summary>A send that did not go through; the message is the reason recorded and shown (never a secret).</summary>
public sealed class ChannelSendException(string reason, Exception? inner = null) : Exception(reason, inner);
