using System.ComponentModel.DataAnnotations;

namespace BlazorAwsConsole.Dashboard;

/// <summary>Settings section "Wall": what the wall screen treats as a problem.</summary>
public sealed class WallOptions : IValidatableObject
{
    public const string Section = "Wall";

    /// <summary>
    /// Stopped instances carrying one of these tags ("key=value", or "key=" for any value) count as a
    /// problem on the wall; other stopped instances are expected (dev boxes, spares) and shown as a
    /// plain figure in the footer.
    /// </summary>
    public List<string> StoppedProblemTags { get; set; } = ["env=prod"];

    /// <summary>A stopped instance an enabled "instance is stopped" alert rule watches also counts as a problem.</summary>
    public bool StoppedProblemWhenRuleWatches { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        StoppedProblemTags.Where(t => t.IndexOf('=') <= 0)
            .Select(t => new ValidationResult($"Wall:StoppedProblemTags: '{t}' is not key=value (or key= for any value).", [nameof(StoppedProblemTags)]));
}
