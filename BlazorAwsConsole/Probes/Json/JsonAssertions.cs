using System.Text.Json;
using System.Text.RegularExpressions;

namespace BlazorAwsConsole.Probes.Json;

/// <summary>
/// Checks and runs a test's JSON assertions. <see cref="Validate"/> runs on save and names the wrong
/// part (<c>jsonAssertions[1].path</c>, <c>.op</c> or <c>.value</c>); <see cref="Check"/> runs on a
/// response body and says which assertion failed, what it expected and what the body held. The same
/// code serves console runs and the body an SSM run returns.
/// </summary>
public static class JsonAssertions
{
    public const int MaxCount = 20;
    public const string Field = "jsonAssertions";
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>Messages keyed by JSON field name (<c>jsonAssertions[0].op</c>); empty when all are valid.</summary>
    public static Dictionary<string, string> Validate(IReadOnlyList<JsonAssertion>? assertions)
    {
        var errors = new Dictionary<string, string>();
        if (assertions is null) return errors;
        if (assertions.Count > MaxCount)
        {
            errors[Field] = $"At most {MaxCount} JSON assertions.";
            return errors;
        }
        for (var i = 0; i < assertions.Count; i++)
        {
            var a = assertions[i];
            var at = $"{Field}[{i}]";
            if (a is null) { errors[at] = "An assertion is required here (path, op, value)."; continue; }
            if (!JsonPathExpression.TryParse(a.Path, out _, out var pathError)) errors[$"{at}.path"] = pathError!;
            if (!JsonAssertion.Ops.Contains(a.Op)) { errors[$"{at}.op"] = $"Op must be one of {string.Join(" ", JsonAssertion.Ops)}."; continue; }
            if (ValueError(a) is { } valueError) errors[$"{at}.value"] = valueError;
        }
        return errors;
    }

    private static string? ValueError(JsonAssertion a)
    {
        var kind = a.Value?.ValueKind ?? JsonValueKind.Undefined;
        switch (a.Op)
        {
            case "<" or "<=" or ">" or ">=":
                return kind == JsonValueKind.Number ? null : $"'{a.Op}' compares numbers: the value must be a number (was {Describe(a.Value)}).";
            case "exists":
                return kind is JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False
                    ? null : $"'exists' takes no value, or true / false (was {Describe(a.Value)}).";
            case "matches":
                if (kind != JsonValueKind.String) return $"'matches' takes a regular expression as a string (was {Describe(a.Value)}).";
                try { _ = new Regex(a.Value!.Value.GetString()!, RegexOptions.None, RegexTimeout); return null; }
                catch (ArgumentException e) { return $"Not a valid regular expression: {e.Message}"; }
            case "contains":
                return kind is JsonValueKind.Undefined ? "'contains' needs a value: a text to find in a string, or an element to find in an array." : null;
            default:
                // == and != take any JSON value; an absent one means null.
                return a.Value is { } v && v.GetRawText().Length > 4096 ? "The value must be at most 4096 characters of JSON." : null;
        }
    }

    /// <summary>Null when every assertion holds; otherwise the reason naming the first that does not.</summary>
    /// <param name="bodyNote">Added when the body was cut short (an SSM run returns its first bytes only).</param>
    public static string? Check(IReadOnlyList<JsonAssertion> assertions, string body, string bodyNote = "")
    {
        if (assertions.Count == 0) return null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            return $"the body{bodyNote} is not JSON ({Shorten(e.Message, 120)}), so {assertions[0]} cannot be checked";
        }
        using (document)
        {
            foreach (var assertion in assertions)
            {
                if (!JsonPathExpression.TryParse(assertion.Path, out var path, out var pathError)) return $"{assertion.Path}: {pathError}";
                var actual = path!.Select(document.RootElement);
                if (Holds(assertion, actual) is { } failure) return $"JSON {assertion.Path}: expected {Expected(assertion)}, got {failure}";
            }
        }
        return null;
    }

    private static string Expected(JsonAssertion a) => a.Op switch
    {
        "exists" => a.Value?.ValueKind == JsonValueKind.False ? "to be absent" : "to exist",
        _ => $"{a.Op} {(a.Value is { } v ? Shorten(v.GetRawText(), 100) : "null")}",
    };

    /// <summary>Null when the assertion holds; else how the actual value reads in the reason.</summary>
    private static string? Holds(JsonAssertion a, JsonElement? actual)
    {
        if (a.Op == "exists")
        {
            var wanted = a.Value?.ValueKind != JsonValueKind.False;
            return wanted == actual.HasValue ? null : actual.HasValue ? Describe(actual) : "nothing (the path is absent)";
        }
        if (actual is not { } value) return "nothing (the path is absent)";
        var expected = a.Value;
        bool ok;
        switch (a.Op)
        {
            case "==": ok = SameJson(value, expected); break;
            case "!=": ok = !SameJson(value, expected); break;
            case "<" or "<=" or ">" or ">=":
                if (value.ValueKind != JsonValueKind.Number) return $"{Describe(value)}, not a number";
                var compared = value.GetDecimalOrDouble().CompareTo(expected!.Value.GetDecimalOrDouble());
                ok = a.Op switch { "<" => compared < 0, "<=" => compared <= 0, ">" => compared > 0, _ => compared >= 0 };
                break;
            case "contains":
                if (value.ValueKind == JsonValueKind.String && expected?.ValueKind == JsonValueKind.String)
                    ok = value.GetString()!.Contains(expected.Value.GetString()!, StringComparison.Ordinal);
                else if (value.ValueKind == JsonValueKind.Array)
                    ok = value.EnumerateArray().Any(e => SameJson(e, expected));
                else return $"{Describe(value)}, which is not a string or an array";
                break;
            case "matches":
                var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
                try { ok = Regex.IsMatch(text, expected!.Value.GetString()!, RegexOptions.None, RegexTimeout); }
                catch (RegexMatchTimeoutException) { return $"{Describe(value)} (the regex took longer than {RegexTimeout.TotalMilliseconds} ms)"; }
                break;
            default:
                return $"{Describe(value)} (unknown op '{a.Op}')";
        }
        return ok ? null : Describe(value);
    }

    /// <summary>JSON equality: numbers by value (1 == 1.0), objects by members in any order, arrays in order.</summary>
    private static bool SameJson(JsonElement actual, JsonElement? expected)
    {
        if (expected is not { } e) return actual.ValueKind == JsonValueKind.Null;
        if (actual.ValueKind == JsonValueKind.Number && e.ValueKind == JsonValueKind.Number)
            return actual.GetDecimalOrDouble().CompareTo(e.GetDecimalOrDouble()) == 0;
        return JsonElement.DeepEquals(actual, e);
    }

    private static IComparable GetDecimalOrDouble(this JsonElement number) =>
        number.TryGetDecimal(out var d) ? d : (IComparable)(decimal)Math.Clamp(number.GetDouble(), (double)decimal.MinValue, (double)decimal.MaxValue);

    private static string Describe(JsonElement? value) => value switch
    {
        null => "nothing",
        { ValueKind: JsonValueKind.Object } v => $"an object ({Shorten(v.GetRawText(), 80)})",
        { ValueKind: JsonValueKind.Array } v => $"an array of {v.GetArrayLength()} ({Shorten(v.GetRawText(), 80)})",
        { } v => Shorten(v.GetRawText(), 100),
    };

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    /// <summary>Reads assertions from the dialog's lines: <c>PATH OP [VALUE]</c>, the value as JSON or, when it is not JSON, as text.</summary>
    public static List<JsonAssertion> ParseLines(string text, out string? error)
    {
        error = null;
        var list = new List<JsonAssertion>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var pathEnd = PathEnd(line);
            var path = line[..pathEnd];
            var rest = line[pathEnd..].TrimStart();
            var opEnd = rest.IndexOf(' ') is var space and >= 0 ? space : rest.Length;
            var op = rest[..opEnd];
            var valueText = rest[opEnd..].Trim();
            if (op.Length == 0)
            {
                error = $"Line {lineNumber} ('{line}') needs an op after the path: {string.Join(" ", JsonAssertion.Ops)}.";
                return list;
            }
            JsonElement? value = null;
            if (valueText.Length > 0)
            {
                try { value = JsonDocument.Parse(valueText).RootElement.Clone(); }
                catch (JsonException) { value = JsonSerializer.SerializeToElement(valueText); }
            }
            list.Add(new JsonAssertion { Path = path, Op = op, Value = value });
        }
        return list;
    }

    /// <summary>The dialog's lines for stored assertions.</summary>
    public static string ToLines(IEnumerable<JsonAssertion> assertions) => string.Join("\n", assertions.Select(a => a.ToString()));

    /// <summary>Where the path ends: at the first space outside brackets and quotes.</summary>
    private static int PathEnd(string line)
    {
        var depth = 0;
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is not null) { if (c == '\\') i++; else if (c == quote) quote = null; continue; }
            if (c is '"' or '\'' && depth > 0) quote = c;
            else if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (char.IsWhiteSpace(c) && depth == 0) return i;
        }
        return line.Length;
    }
}
