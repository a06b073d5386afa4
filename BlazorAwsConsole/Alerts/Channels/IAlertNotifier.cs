// TEMPORARY LOCAL STAND-IN (never committed): replaced by the channels branch.
namespace BlazorAwsConsole.Alerts.Channels;
public sealed record AlertNotification(long AlertId, string RuleName, string Severity, string Status, string Subject, string Summary, DateTimeOffset At, string? Link);
public interface IAlertNotifier { void Enqueue(AlertNotification notification, IReadOnlyList<int>? channelIds = null); }
public sealed class NullNotifier : IAlertNotifier { public void Enqueue(AlertNotification n, IReadOnlyList<int>? c = null) { } }
public static class TempNotifierReg { public static IServiceCollection AddTempNotifier(this IServiceCollection s) => s.AddSingleton<IAlertNotifier, NullNotifier>(); }
