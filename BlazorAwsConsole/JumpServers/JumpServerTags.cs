using System.Globalization;
using BlazorAwsConsole.Fleet;

namespace BlazorAwsConsole.JumpServers;

/// <summary>The tags that make an instance a jump server. EC2 holds them, so they survive the console's database.</summary>
public static class JumpServerTags
{
    public const string Role = "Role";
    public const string RoleValue = "jump-server";
    public const string Template = "Template";
    public const string TemplateId = "TemplateId";
    public const string TemplateVersion = "TemplateVersion";
    public const string LaunchedBy = "LaunchedBy";
    public const string ExpiresAt = "ExpiresAt";
    public const string TtlAction = "TtlAction";

    /// <summary>Keys the console writes itself; a template may not set them.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { "Name", Role, Template, TemplateId, TemplateVersion, LaunchedBy, ExpiresAt, TtlAction };

    public static bool IsJumpServer(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue(Role, out var role) && role == RoleValue;

    public static string Format(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static DateTime? ParseExpiry(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue(ExpiresAt, out var text) && DateTime.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    public static TtlAction ParseAction(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue(TtlAction, out var text) && Enum.TryParse<TtlAction>(text, ignoreCase: true, out var action)
            ? action : JumpServers.TtlAction.Stop;

    public static bool IsJumpServer(Instance instance) => IsJumpServer(instance.Tags);
}
