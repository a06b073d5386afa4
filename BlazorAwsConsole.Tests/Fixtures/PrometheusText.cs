using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A strict reader of Prometheus' text exposition format (version 0.0.4): every line must be a HELP,
/// TYPE or other comment, blank, or a sample of the grammar; a family's TYPE comes before its samples,
/// at most once, and its samples are contiguous; histogram buckets carry <c>le</c>, are cumulative and
/// end with +Inf equal to _count. Anything else throws with the line number.
/// </summary>
public sealed partial class PrometheusText
{
    private PrometheusText(IReadOnlyList<Sample> samples, IReadOnlyDictionary<string, string> types, IReadOnlyDictionary<string, string> help)
    {
        Samples = samples;
        Types = types;
        Help = help;
    }

    public IReadOnlyList<Sample> Samples { get; }
    public IReadOnlyDictionary<string, string> Types { get; }
    public IReadOnlyDictionary<string, string> Help { get; }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string this[string label] => Labels[label];
    }

    /// <summary>Samples of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Find(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value));

    /// <summary>The one sample with exactly these labels, or null.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels) =>
        Samples.SingleOrDefault(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value))?.Value;

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    private static readonly string[] KnownTypes = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>();
        var help = new Dictionary<string, string>();
        var finishedFamilies = new HashSet<string>();
        string? currentFamily = null;
        var lines = text.Split('\n');
        if (text.Length > 0 && !text.EndsWith('\n')) throw new FormatException("the exposition must end with a line feed");

        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var where = $"line {n + 1}: '{line}'";
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[1] is "HELP" or "TYPE")
                {
                    var family = parts[2];
                    if (!MetricName().IsMatch(family)) throw new FormatException($"bad metric name in {where}");
                    if (parts[1] == "TYPE")
                    {
                        if (parts.Length != 4 || !KnownTypes.Contains(parts[3])) throw new FormatException($"bad TYPE in {where}");
                        if (!types.TryAdd(family, parts[3])) throw new FormatException($"second TYPE for {family} in {where}");
                        if (samples.Any(s => FamilyOf(s.Name, types) == family)) throw new FormatException($"TYPE after samples of {family} in {where}");
                    }
                    else if (!help.TryAdd(family, parts.Length == 4 ? parts[3] : "")) throw new FormatException($"second HELP for {family} in {where}");
                }
                continue;
            }

            var sample = ParseSample(line, where);
            var familyName = FamilyOf(sample.Name, types);
            if (familyName != currentFamily)
            {
                if (currentFamily is not null) finishedFamilies.Add(currentFamily);
                if (finishedFamilies.Contains(familyName)) throw new FormatException($"samples of {familyName} are not contiguous at {where}");
                currentFamily = familyName;
            }
            samples.Add(sample);
        }

        foreach (var (family, type) in types.Where(t => t.Value == "histogram")) CheckHistogram(family, samples);
        return new PrometheusText(samples, types, help);
    }

    private static string FamilyOf(string sampleName, Dictionary<string, string> types)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix) && types.GetValueOrDefault(sampleName[..^suffix.Length]) is "histogram" or "summary")
                return sampleName[..^suffix.Length];
        }
        return sampleName;
    }

    private static Sample ParseSample(string line, string where)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        var name = line[..i];
        if (!MetricName().IsMatch(name)) throw new FormatException($"bad metric name in {where}");
        var labels = new Dictionary<string, string>();
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i >= line.Length) throw new FormatException($"unterminated labels in {where}");
                if (line[i] == '}') { i++; break; }
                var start = i;
                while (i < line.Length && line[i] != '=') i++;
                var label = line[start..i];
                if (!LabelName().IsMatch(label)) throw new FormatException($"bad label name '{label}' in {where}");
                if (i + 1 >= line.Length || line[i + 1] != '"') throw new FormatException($"label value must be quoted in {where}");
                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length) throw new FormatException($"unterminated label value in {where}");
                    var c = line[i++];
                    if (c == '"') break;
                    if (c == '\\')
                    {
                        if (i >= line.Length) throw new FormatException($"dangling escape in {where}");
                        value.Append(line[i++] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw new FormatException($"bad escape '\\{other}' in {where}"),
                        });
                    }
                    else value.Append(c);
                }
                if (!labels.TryAdd(label, value.ToString())) throw new FormatException($"label {label} twice in {where}");
                if (i < line.Length && line[i] == ',') i++;
                else if (i < line.Length && line[i] != '}') throw new FormatException($"expected , or }} in {where}");
            }
        }
        if (i >= line.Length || line[i] != ' ') throw new FormatException($"expected a space before the value in {where}");
        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2) throw new FormatException($"expected a value and an optional timestamp in {where}");
        var number = ParseValue(rest[0]) ?? throw new FormatException($"bad value '{rest[0]}' in {where}");
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw new FormatException($"bad timestamp in {where}");
        return new Sample(name, labels, number);
    }

    private static double? ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null,
    };

    private static void CheckHistogram(string family, List<Sample> samples)
    {
        var series = samples.Where(s => s.Name == family + "_bucket")
            .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
        foreach (var buckets in series)
        {
            var ordered = buckets.Select(b => (Le: ParseValue(b.Labels.GetValueOrDefault("le") ?? throw new FormatException($"{family} bucket without le"))
                ?? throw new FormatException($"{family} bucket with a bad le"), b.Value)).ToList();
            if (ordered.Zip(ordered.Skip(1)).Any(p => p.First.Le >= p.Second.Le || p.First.Value > p.Second.Value))
                throw new FormatException($"{family}{{{buckets.Key}}} buckets are not increasing and cumulative");
            if (!double.IsPositiveInfinity(ordered[^1].Le)) throw new FormatException($"{family}{{{buckets.Key}}} has no +Inf bucket");
            var labels = buckets.First().Labels.Where(l => l.Key != "le").ToDictionary();
            var count = samples.SingleOrDefault(s => s.Name == family + "_count" && s.Labels.Count == labels.Count && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value))
                ?? throw new FormatException($"{family}{{{buckets.Key}}} has no _count");
            if (count.Value != ordered[^1].Value) throw new FormatException($"{family}{{{buckets.Key}}} +Inf bucket differs from _count");
            if (!samples.Any(s => s.Name == family + "_sum" && s.Labels.Count == labels.Count && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)))
                throw new FormatException($"{family}{{{buckets.Key}}} has no _sum");
        }
    }
}
