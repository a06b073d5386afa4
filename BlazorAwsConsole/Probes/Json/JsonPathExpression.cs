using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BlazorAwsConsole.Probes.Json;

/// <summary>
/// The JSONPath subset the JSON assertions take: <c>$</c>, then any of <c>.name</c>, <c>[n]</c> (an array
/// index, negative counts from the end) and <c>["key"]</c> / <c>['key']</c> (a member whose name is not a
/// plain identifier). No wildcards, filters or recursive descent: each path names at most one value,
/// so a failure can say what was found. A small parser rather than a library: no maintained JSONPath
/// library is served here (JsonPath.Net is not), and the subset is a few dozen lines over System.Text.Json.
/// </summary>
public sealed class JsonPathExpression
{
    private readonly IReadOnlyList<object> _steps; // string = member, int = index

    private JsonPathExpression(string text, IReadOnlyList<object> steps)
    {
        Text = text;
        _steps = steps;
    }

    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says where and why.</summary>
    public static bool TryParse(string? text, out JsonPathExpression? path, out string? error)
    {
        path = null;
        error = null;
        var s = text?.Trim() ?? "";
        if (s.Length == 0) { error = "Path is required, e.g. $.status or $.items[0].name."; return false; }
        if (s.Length > 512) { error = "Path must be at most 512 characters."; return false; }
        if (s[0] != '$') { error = $"Path must start with $ (e.g. $.{s.TrimStart('.')})."; return false; }
        var steps = new List<object>();
        var i = 1;
        while (i < s.Length)
        {
            if (s[i] == '.')
            {
                var start = ++i;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '-' or '$')) i++;
                if (i == start) { error = $"A name must follow the '.' at position {start} of {s}."; return false; }
                steps.Add(s[start..i]);
            }
            else if (s[i] == '[')
            {
                i++;
                if (i < s.Length && s[i] is '"' or '\'')
                {
                    var quote = s[i++];
                    var name = new StringBuilder();
                    while (i < s.Length && s[i] != quote)
                    {
                        if (s[i] == '\\' && i + 1 < s.Length) i++;
                        name.Append(s[i++]);
                    }
                    if (i >= s.Length) { error = $"Unclosed {quote} in {s}."; return false; }
                    i++;
                    if (i >= s.Length || s[i] != ']') { error = $"Expected ] after the quoted name in {s}."; return false; }
                    i++;
                    steps.Add(name.ToString());
                }
                else
                {
                    var start = i;
                    if (i < s.Length && s[i] == '-') i++;
                    while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                    if (i >= s.Length || s[i] != ']' || !int.TryParse(s[start..i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
                    {
                        error = $"Brackets take an index like [0] or a quoted name like [\"key\"] (at position {start} of {s}); wildcards and filters are not supported.";
                        return false;
                    }
                    i++;
                    steps.Add(index);
                }
            }
            else
            {
                error = $"Unexpected '{s[i]}' at position {i} of {s}: use .name, [n] or [\"key\"].";
                return false;
            }
        }
        path = new JsonPathExpression(s, steps);
        return true;
    }

    /// <summary>The value the path names in <paramref name="root"/>, or null when some step is missing.</summary>
    public JsonElement? Select(JsonElement root)
    {
        var current = root;
        foreach (var step in _steps)
        {
            switch (step)
            {
                case string name when current.ValueKind == JsonValueKind.Object && current.TryGetProperty(name, out var member):
                    current = member;
                    break;
                case int index when current.ValueKind == JsonValueKind.Array:
                    var length = current.GetArrayLength();
                    var at = index < 0 ? length + index : index;
                    if (at < 0 || at >= length) return null;
                    current = current[at];
                    break;
                default:
                    return null;
            }
        }
        return current;
    }
}
