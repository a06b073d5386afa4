using System.ComponentModel.DataAnnotations;

namespace BlazorAwsConsole.Alerts;

/// <summary>Settings section "Alerts".</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>Seconds between evaluations of every rule (new results and fleet changes also trigger one at once).</summary>
    [Range(1, 300)]
    public int EvaluateSeconds { get; set; } = 10;

    /// <summary>A rule that fired and cleared this many times for one subject within an hour is held as flapping.</summary>
    [Range(1, 100)]
    public int FlapLimit { get; set; } = 4;

    /// <summary>Minutes a flapping alert's condition must stay clear before it resolves.</summary>
    [Range(1, 1440)]
    public int FlapQuietMinutes { get; set; } = 10;

    /// <summary>Hours an "instance disappeared" alert stays open unless the instance comes back.</summary>
    [Range(1, 720)]
    public int DisappearedHours { get; set; } = 24;
}
