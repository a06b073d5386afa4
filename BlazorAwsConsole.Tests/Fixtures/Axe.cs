using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>axe-core (Deque.AxeCore.Playwright) with the WCAG 2.0 and 2.1 A/AA rule sets the issue asks for.</summary>
public static class Axe
{
    public static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    /// <summary>Waits until the page stops animating (a dialog fading in has half-contrast text), then runs axe.</summary>
    public static async Task<AxeResult> RunAsync(IPage page)
    {
        // Endless animations (a progress spinner) never finish and do not change colours; wait for the others.
        await page.WaitForFunctionAsync(
            "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)", null,
            new PageWaitForFunctionOptions { Timeout = 15_000 });
        return await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. WcagTags] },
        });
    }

    /// <summary>One line per violation: rule id, impact, and the selectors of the elements at fault.</summary>
    public static string Describe(AxeResult result) => string.Join(Environment.NewLine, result.Violations.Select(v =>
        $"{v.Id} ({v.Impact}, {v.Nodes.Length}): {v.Help} at {string.Join(" | ", v.Nodes.Take(8).Select(n => $"{n.Target} {Why(n)}"))}"));

    private static string Why(AxeResultNode node)
    {
        var message = node.Any.Concat(node.All).Concat(node.None).Select(c => c.Message).FirstOrDefault(m => !string.IsNullOrEmpty(m));
        return message is null ? "" : $"[{message}]";
    }

    /// <summary>Fails with the list of violations (rule id, impact, selectors) when there is any.</summary>
    public static async Task AssertNoViolationsAsync(IPage page, string what)
    {
        var result = await RunAsync(page);
        result.Violations.Should().BeEmpty($"{what} must pass axe WCAG 2.1 A/AA, but:{Environment.NewLine}{Describe(result)}{Environment.NewLine}");
    }
}
