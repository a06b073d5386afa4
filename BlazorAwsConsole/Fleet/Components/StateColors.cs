using MudBlazor;

namespace BlazorAwsConsole.Fleet.Components;

public static class StateColors
{
    public static Color For(string state) => state switch
    {
        "running" => Color.Success,
        "pending" or "stopping" or "shutting-down" => Color.Warning,
        "stopped" => Color.Default,
        "terminated" => Color.Dark,
        _ => Color.Info,
    };
}
