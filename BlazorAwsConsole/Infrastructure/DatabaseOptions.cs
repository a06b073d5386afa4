namespace BlazorAwsConsole.Infrastructure;

/// <summary>Settings section "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations when the console starts; switch off where `BlazorAwsConsole migrate` runs separately.</summary>
    public bool MigrateAtStartup { get; set; } = true;
}
