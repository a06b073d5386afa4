namespace BlazorAwsConsole.Infrastructure;

/// <summary>One CSV field (RFC 4180), safe to open in a spreadsheet.</summary>
public static class CsvField
{
    /// <summary>Text: quoted when it holds a comma, quote or line break; a leading =, +, - or @ is prefixed with ' so spreadsheet programs do not run it as a formula.</summary>
    public static string Text(string? value)
    {
        value ??= "";
        if (value.Length > 0 && "=+-@".Contains(value[0])) value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>A number in invariant culture (a dot for decimals); empty when there is none.</summary>
    public static string Number(double? value) => value?.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
