using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Infrastructure;

/// <summary>The real executable's command line: --help prints the usage (exit 0); an unknown or incomplete verb prints it and exits 2 without starting the web server.</summary>
public sealed class CliUsageTests
{
    private static void ShouldBeTheUsage(string text)
    {
        text.Should().Contain("Usage:");
        foreach (var verb in new[] { "migrate", "user add NAME --role ROLE", "apikey create --role ROLE --name NAME", "--help" })
            text.Should().Contain(verb);
        text.Should().Contain("Viewer, Operator, Admin");
    }

    [Fact]
    public async Task An_unknown_verb_prints_the_usage_and_exits_with_2()
    {
        var (exitCode, stdout, stderr) = await ConsoleCli.RunAsync("frobnicate");

        exitCode.Should().Be(2);
        stderr.Should().StartWith("Unknown command 'frobnicate'.");
        ShouldBeTheUsage(stderr);
        stdout.Should().BeEmpty("nothing started, so nothing logged");
    }

    [Fact]
    public async Task Help_prints_the_same_usage_on_stdout_and_exits_with_0()
    {
        var (exitCode, stdout, stderr) = await ConsoleCli.RunAsync("--help");

        exitCode.Should().Be(0);
        stdout.Should().Be(CliUsage.Text);
        ShouldBeTheUsage(stdout);
        stderr.Should().BeEmpty();
    }

    [Fact]
    public async Task An_incomplete_verb_prints_the_usage_and_exits_with_2()
    {
        var (exitCode, _, stderr) = await ConsoleCli.RunAsync("user", "--role", "Admin");

        exitCode.Should().Be(2);
        stderr.Should().StartWith("Incomplete command: user");
        ShouldBeTheUsage(stderr);
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "--urls", "http://0.0.0.0:8080", "--Aws:Mode=Aws" }, null)]
    [InlineData(new[] { "Aws:Mode=Aws", "/Fleet:PollOnSchedule=false" }, null)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5026", "frobnicate" }, "frobnicate")]
    [InlineData(new[] { "migrat", "--ConnectionStrings:Console=Data Source=x.db" }, "migrat")]
    public void Settings_in_every_form_dotnet_reads_are_not_verbs(string[] args, string? unknown) =>
        CliUsage.UnknownVerb(args).Should().Be(unknown);
}
