namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>Waits for something another node, process or job does in its own time: no timing is asserted, only a deadline.</summary>
public static class Poll
{
    /// <summary>Checks <paramref name="condition"/> every <paramref name="everyMs"/> until it holds; past <paramref name="timeout"/> fails with <paramref name="describe"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe, int everyMs = 250)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{describe()} after {timeout.TotalSeconds:0} s");
            await Task.Delay(everyMs);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe, int everyMs = 250) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, describe, everyMs);
}
