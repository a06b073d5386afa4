using BlazorAwsConsole.Dashboard.Components;
using BlazorAwsConsole.Tests.Fixtures;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BlazorAwsConsole.Tests.Dashboard;

/// <summary>The panel frame: its own loading state, and its own error for a failing load or a failing render.</summary>
public sealed class DashboardPanelTests : ComponentContext
{
    /// <summary>Content that cannot draw itself while <see cref="Broken"/> is set.</summary>
    private sealed class Fragile : ComponentBase
    {
        [Parameter] public bool Broken { get; set; }

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
        {
            if (Broken) throw new InvalidOperationException("the figures are inconsistent");
            builder.AddMarkupContent(0, "<span data-testid=\"fragile\">fine</span>");
        }
    }

    [Fact]
    public void Shows_loading_until_its_data_arrives_then_the_content()
    {
        var arrived = new TaskCompletionSource();
        var panel = Render<DashboardPanel>(p => p
            .Add(x => x.Name, "slow")
            .Add(x => x.Load, _ => arrived.Task)
            .AddChildContent("<span data-testid=\"content\">42</span>"));

        panel.FindAll("[data-testid=panel-loading]").Should().ContainSingle();
        panel.FindAll("[data-testid=content]").Should().BeEmpty();

        arrived.SetResult();

        panel.WaitForAssertion(() => panel.Find("[data-testid=content]").TextContent.Should().Be("42"));
        panel.FindAll("[data-testid=panel-loading]").Should().BeEmpty();
    }

    [Fact]
    public void A_failing_load_shows_its_message_and_the_next_good_load_clears_it()
    {
        var fail = true;
        var panel = Render<DashboardPanel>(p => p
            .Add(x => x.Name, "flaky")
            .Add(x => x.Load, _ => fail ? Task.FromException(new TimeoutException("the database did not answer")) : Task.CompletedTask)
            .Add(x => x.Version, 1)
            .AddChildContent("<span data-testid=\"content\">ok</span>"));

        panel.Find("[data-testid=panel-error]").TextContent.Should().Be("This panel could not load: the database did not answer");
        panel.Find("[data-testid=panel-flaky]").GetAttribute("data-state").Should().Be("error");

        fail = false;
        panel.Render(p => p.Add(x => x.Version, 2));

        panel.WaitForAssertion(() => panel.Find("[data-testid=content]").TextContent.Should().Be("ok"));
        panel.FindAll("[data-testid=panel-error]").Should().BeEmpty();
    }

    [Fact]
    public void Content_that_throws_while_drawing_is_caught_by_the_panel_and_recovers_on_new_data()
    {
        var panel = Render<DashboardPanel>(p => p
            .Add(x => x.Name, "fragile")
            .Add(x => x.Version, 1)
            .Add(x => x.ChildContent, (RenderFragment)(b => { b.OpenComponent<Fragile>(0); b.AddComponentParameter(1, nameof(Fragile.Broken), true); b.CloseComponent(); })));

        panel.WaitForAssertion(() => panel.Find("[data-testid=panel-error]").TextContent
            .Should().Be("This panel could not load: the figures are inconsistent"));

        panel.Render(p => p
            .Add(x => x.Version, 2)
            .Add(x => x.ChildContent, (RenderFragment)(b => { b.OpenComponent<Fragile>(0); b.AddComponentParameter(1, nameof(Fragile.Broken), false); b.CloseComponent(); })));

        panel.WaitForAssertion(() => panel.Find("[data-testid=fragile]").TextContent.Should().Be("fine"));
    }
}
