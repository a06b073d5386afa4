using System.Text.Json;
using BlazorAwsConsole.Probes.Json;

namespace BlazorAwsConsole.Tests.Probes.Json;

public class JsonAssertionsTests
{
    private const string Body = """
        { "status": "ok", "count": 3, "ratio": 0.25, "items": [ { "name": "a", "tags": ["x", "y"] }, { "name": "b" } ],
          "odd key": { "v": true }, "nothing": null, "version": "1.12.4" }
        """;

    private static JsonAssertion A(string path, string op, object? value = null) =>
        new() { Path = path, Op = op, Value = value is null ? null : JsonSerializer.SerializeToElement(value) };

    [Theory]
    [InlineData("$.status", "==", "ok")]
    [InlineData("$.count", "==", 3.0)]
    [InlineData("$.count", ">=", 3)]
    [InlineData("$.ratio", "<", 1)]
    [InlineData("$.items[0].name", "==", "a")]
    [InlineData("$.items[-1].name", "==", "b")]
    [InlineData("$[\"odd key\"].v", "==", true)]
    [InlineData("$['odd key']['v']", "!=", false)]
    [InlineData("$.items[0].tags", "contains", "y")]
    [InlineData("$.status", "contains", "o")]
    [InlineData("$.version", "matches", @"^1\.\d+\.\d+$")]
    [InlineData("$.items[1]", "exists", null)]
    [InlineData("$.nothing", "==", null)]
    public void Assertions_that_hold_pass(string path, string op, object? value)
    {
        JsonAssertions.Check([A(path, op, value)], Body).Should().BeNull();
    }

    [Fact]
    public void A_failure_names_the_path_the_expected_and_the_actual_value()
    {
        JsonAssertions.Check([A("$.status", "==", "ok"), A("$.count", ">", 5)], Body)
            .Should().Be("JSON $.count: expected > 5, got 3");
        JsonAssertions.Check([A("$.items[0].name", "==", "b")], Body)
            .Should().Be("JSON $.items[0].name: expected == \"b\", got \"a\"");
        JsonAssertions.Check([A("$.items[5].name", "==", "a")], Body)
            .Should().Be("JSON $.items[5].name: expected == \"a\", got nothing (the path is absent)");
        JsonAssertions.Check([A("$.status", "<", 2)], Body)
            .Should().Be("JSON $.status: expected < 2, got \"ok\", not a number");
        JsonAssertions.Check([A("$.missing", "exists", false), A("$.status", "exists", false)], Body)
            .Should().Be("JSON $.status: expected to be absent, got \"ok\"");
    }

    [Fact]
    public void A_body_that_is_not_json_says_so()
    {
        JsonAssertions.Check([A("$.status", "==", "ok")], "<html>oops</html>", " (first 12,000 bytes)")
            .Should().StartWith("the body (first 12,000 bytes) is not JSON").And.EndWith("so $.status == \"ok\" cannot be checked");
    }

    [Fact]
    public void Validation_names_the_wrong_part_of_each_assertion()
    {
        var errors = JsonAssertions.Validate([
            A("status", "==", "ok"),
            A("$.items[*]", "==", 1),
            A("$.a", "~=", 1),
            A("$.a", ">", "ten"),
            A("$.a", "matches", "(unclosed"),
            A("$.a", "exists", "yes"),
            A("$.a", "contains"),
            A("$.fine[\"key\"][2]", "==", 1),
        ]);

        errors.Keys.Should().BeEquivalentTo(
            "jsonAssertions[0].path", "jsonAssertions[1].path", "jsonAssertions[2].op", "jsonAssertions[3].value",
            "jsonAssertions[4].value", "jsonAssertions[5].value", "jsonAssertions[6].value");
        errors["jsonAssertions[0].path"].Should().Contain("must start with $");
        errors["jsonAssertions[1].path"].Should().Contain("wildcards and filters are not supported");
        errors["jsonAssertions[3].value"].Should().Contain("must be a number");
        errors["jsonAssertions[4].value"].Should().StartWith("Not a valid regular expression");
    }

    [Fact]
    public void Dialog_lines_read_values_as_json_or_else_as_text_and_round_trip()
    {
        var parsed = JsonAssertions.ParseLines("$.status == ok\n\n$[\"odd key\"].v != false\n$.count >= 2\n$.items exists", out var error);

        error.Should().BeNull();
        parsed.Select(a => a.ToString()).Should().Equal("$.status == \"ok\"", "$[\"odd key\"].v != false", "$.count >= 2", "$.items exists");
        JsonAssertions.ParseLines(JsonAssertions.ToLines(parsed), out _).Select(a => a.ToString()).Should().Equal(parsed.Select(a => a.ToString()));
        JsonAssertions.Check(parsed, Body).Should().BeNull();

        JsonAssertions.ParseLines("$.status", out error);
        error.Should().Contain("needs an op");
    }
}
