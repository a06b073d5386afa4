using MudBlazor;

namespace BlazorAwsConsole.Components.Layout;

/// <summary>
/// The console's colours, once for every page. Each colour is chosen for WCAG 2.1 AA (4.5:1) both as
/// text on the theme's surfaces (including hovered table rows and tinted alert/chip backgrounds) and
/// behind its contrast text on filled buttons and chips: light colours with dark text in the dark
/// theme, dark colours with white text in the light one. The axe browser tests check every page.
/// </summary>
public static class ConsoleTheme
{
    private const string DarkInk = "#12161c";

    public static MudTheme Theme { get; } = new()
    {
        PaletteDark = new PaletteDark
        {
            Primary = "#ff9900",
            PrimaryContrastText = DarkInk,
            Secondary = "#c6a5ff",
            SecondaryContrastText = DarkInk,
            Tertiary = "#4fd8c4",
            TertiaryContrastText = DarkInk,
            Info = "#6cb6ff",
            InfoContrastText = DarkInk,
            Success = "#3fd18f",
            SuccessContrastText = DarkInk,
            Warning = "#ffb020",
            WarningContrastText = DarkInk,
            Error = "#ff7a85",
            ErrorContrastText = DarkInk,
            Background = "#12161c",
            Surface = "#1b2129",
            AppbarBackground = "#0f1319",
            DrawerBackground = "#151a21",
            // MudBlazor's default hover and stripes are bright enough to sink coloured links in those rows below 4.5:1.
            TableHover = "rgba(255,255,255,0.06)",
            TableStriped = "rgba(255,255,255,0.04)",
        },
        PaletteLight = new PaletteLight
        {
            Primary = "#9c4400",
            Secondary = "#6a3fb5",
            Tertiary = "#00695c",
            Info = "#0b5cab",
            Success = "#1b6e2f",
            Warning = "#8a4f00",
            Error = "#b71c1c",
            AppbarBackground = "#232f3e",
        },
    };
}
