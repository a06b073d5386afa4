using MudBlazor;

namespace BlazorAwsConsole.Components.Layout;

public static class ConsoleTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteDark = new PaletteDark
        {
            Primary = "#ff9900",
            Background = "#12161c",
            Surface = "#1b2129",
            AppbarBackground = "#0f1319",
            DrawerBackground = "#151a21",
        },
        PaletteLight = new PaletteLight
        {
            Primary = "#c45500",
            AppbarBackground = "#232f3e",
        },
    };
}
