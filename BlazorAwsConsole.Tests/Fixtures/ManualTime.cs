namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>A clock a test moves by hand (only GetUtcNow; timers still run on the system clock).</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public ManualTime() : this(DateTimeOffset.UtcNow) { }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
