namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>The system clock moved by an offset a test sets, so TTLs expire without sleeping. Timers still run in real time.</summary>
public sealed class TestClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Offset += by;
}
