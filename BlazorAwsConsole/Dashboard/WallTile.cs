namespace BlazorAwsConsole.Dashboard;

/// <summary>One big figure on the wall. A tile whose count is a problem is drawn red (or amber) and sorted before the healthy ones.</summary>
/// <param name="Key">Its id in the page (data-testid "wall-KEY").</param>
/// <param name="Severity">2 for red, 1 for amber when <see cref="Count"/> is above zero.</param>
/// <param name="Href">Where a click on the tile goes (the fleet grid filtered to what it counts), if anywhere.</param>
public sealed record WallTile(string Key, string Label, int Count, int Severity, string? Href = null)
{
    public bool IsProblem => Count > 0 && Severity > 0;

    public string CssClass => !IsProblem ? "" : Severity >= 2 ? "problem" : "warn";

    /// <summary>Problems first, worst first; otherwise the order they were given in.</summary>
    public static IReadOnlyList<WallTile> ProblemsFirst(IEnumerable<WallTile> tiles) =>
        tiles.Select((tile, index) => (tile, index))
            .OrderByDescending(t => t.tile.IsProblem ? t.tile.Severity : 0)
            .ThenBy(t => t.index)
            .Select(t => t.tile)
            .ToList();
}
