using System.Globalization;
using System.Text;

namespace BlazorAwsConsole.Probes.Ssm.Parsers;

/// <summary>Small readers the parsers share.</summary>
internal static class ParsedText
{
    public static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static string Ms(double ms) => ms.ToString(ms < 10 ? "0.###" : "0.#", CultureInfo.InvariantCulture) + " ms";

    public static string? Base64Text(string? base64)
    {
        if (string.IsNullOrEmpty(base64)) return base64 is null ? null : "";
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A value for a one-line reason: control characters shown as spaces, at most 60 characters.</summary>
    public static string Quote(string text)
    {
        var oneLine = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return "'" + (oneLine.Length <= 60 ? oneLine : oneLine[..60] + "…") + "'";
    }

    public static bool IsNameResolutionFailure(string? line) =>
        line is not null && (line.Contains("Name or service not known", StringComparison.OrdinalIgnoreCase)
            || line.Contains("Temporary failure in name resolution", StringComparison.OrdinalIgnoreCase)
            || line.Contains("No address associated with hostname", StringComparison.OrdinalIgnoreCase));
}
