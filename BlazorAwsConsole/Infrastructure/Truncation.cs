using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// Caps for text and lists that come from outside the console (a DNS answer, a certificate, an SQS
/// message) before they are stored or logged. What is cut is replaced by a visible
/// "(truncated: 2,345 more)", so whoever reads the result knows there was more, and how much.
/// </summary>
public static class Truncation
{
    private const string Ellipsis = "… ";

    /// <summary>"(truncated: 2,345 more)".</summary>
    public static string Marker(int more) => $"(truncated: {more.ToString("N0", CultureInfo.InvariantCulture)} more)";

    /// <summary>
    /// <paramref name="text"/> when it has at most <paramref name="maxChars"/> characters; else its start,
    /// "… " and the marker counting the characters cut, <paramref name="maxChars"/> characters in all (so a
    /// column of that size always holds it).
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Text(string? text, int maxChars)
    {
        if (text is null || text.Length <= maxChars) return text;
        // The marker of the longest possible count is at least as long as the real one: the result fits.
        var kept = Math.Max(0, maxChars - Ellipsis.Length - Marker(text.Length).Length);
        // Never half of a surrogate pair: the text must stay valid UTF-16 (and encodable as JSON).
        if (kept > 0 && char.IsHighSurrogate(text[kept - 1])) kept--;
        return text[..kept] + Ellipsis + Marker(text.Length - kept);
    }

    /// <summary>
    /// The first <paramref name="max"/> items, then one more made by <paramref name="marker"/> from the marker
    /// text counting the items left off; all the items when there are no more than <paramref name="max"/>.
    /// </summary>
    public static List<T> List<T>(IReadOnlyCollection<T> items, int max, Func<string, T> marker) =>
        items.Count <= max ? [.. items] : [.. items.Take(max), marker(Marker(items.Count - max))];

    /// <summary>Strings: the first <paramref name="max"/>, then the marker itself as the last entry.</summary>
    public static List<string> List(IReadOnlyCollection<string> items, int max) => List(items, max, more => more);
}
