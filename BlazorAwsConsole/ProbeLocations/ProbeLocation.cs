namespace BlazorAwsConsole.ProbeLocations;

/// <summary>
/// A place tests run from. The console's own nodes probe from the location named by their Probes:Location (a console
/// location, added at start-up and named by that setting); every other location is served by probe agents that dial
/// out to the console with one of its tokens.
/// </summary>
public sealed class ProbeLocation
{
    public const int MaxNameLength = 64;
    public const int MaxDescriptionLength = 500;

    public int Id { get; set; }

    /// <summary>Unique, compared without case ("eu-west-1 prod VPC"); what an agent names with --location.</summary>
    public string Name
    {
        get => _name;
        set
        {
            _name = value;
            NameKey = KeyOf(value);
        }
    }

    /// <summary>The name in lower case: its unique index refuses "EU VPC" beside "eu vpc", even from two nodes at once.</summary>
    public string NameKey { get; private set; } = "";

    private string _name = "";

    public static string KeyOf(string name) => name.Trim().ToLowerInvariant();

    /// <summary>The AWS region the location sits in, when it is in one.</summary>
    public string? Region { get; set; }

    public string? Description { get; set; }

    /// <summary>Served by the console's own nodes: its name comes from their configuration, and it takes no agent tokens.</summary>
    public bool IsConsole { get; set; }

    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";

    public List<LocationToken> Tokens { get; set; } = [];
}
