using System.Text.Json;

namespace BlazorAwsConsole.Probes.Json;

/// <summary>
/// One check on a JSON response body: the value at <see cref="Path"/> (a JSONPath subset, see
/// <see cref="JsonPathExpression"/>) compared with <see cref="Op"/> to <see cref="Value"/>.
/// Ops: <c>==</c> <c>!=</c> <c>&lt;</c> <c>&lt;=</c> <c>&gt;</c> <c>&gt;=</c> (numbers), <c>contains</c>
/// (substring of a string, or an element of an array), <c>exists</c> (value true or absent: must exist;
/// false: must not), <c>matches</c> (a regular expression over a string).
/// </summary>
public sealed record JsonAssertion
{
    public string Path { get; init; } = "";
    public string Op { get; init; } = "==";
    /// <summary>Any JSON value; absent for <c>exists</c>.</summary>
    public JsonElement? Value { get; init; }

    public static readonly string[] Ops = ["==", "!=", "<", "<=", ">", ">=", "contains", "exists", "matches"];

    /// <summary>How it reads in a reason and in the dialog: <c>$.status == "ok"</c>.</summary>
    public override string ToString() =>
        Value is { } value ? $"{Path} {Op} {value.GetRawText()}" : $"{Path} {Op}";
}
