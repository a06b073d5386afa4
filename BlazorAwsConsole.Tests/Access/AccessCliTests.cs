using System.Net;
using BlazorAwsConsole.Access;
using BlazorAwsConsole.Tests.Fixtures;

namespace BlazorAwsConsole.Tests.Access;

/// <summary>The executable's admin commands, run in-process on the same database a console then uses.</summary>
[Collection(ConsoleStreams.Name)]
public sealed class AccessCliTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task User_add_reads_the_password_from_stdin_and_the_user_can_sign_in()
    {
        var database = TempDatabase();
        var exitCode = await RunAsync(["user", "add", "first-admin", "--role", "Admin", $"--ConnectionStrings:Console={database}"],
            stdin: "a-long-enough-password\n");

        exitCode.Should().Be(0);
        await using var console = await ConsoleHost.StartAsync(moto, $"ConnectionStrings:Console={database}");
        var admin = await SignedInClient.CreateAsync(console, "first-admin", "a-long-enough-password");
        (await admin.GetAsync("/settings/users")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task User_add_refuses_a_short_password_and_an_unknown_role()
    {
        var database = TempDatabase();

        (await RunAsync(["user", "add", "weak", "--role", "Admin", $"--ConnectionStrings:Console={database}"], stdin: "short\n")).Should().Be(2);
        (await RunAsync(["user", "add", "who", "--role", "Emperor", $"--ConnectionStrings:Console={database}"], stdin: "a-long-enough-password\n")).Should().Be(2);
    }

    [Fact]
    public async Task Apikey_create_prints_a_key_that_the_API_accepts_with_that_role()
    {
        var database = TempDatabase();
        var output = new StringWriter();

        var exitCode = await RunAsync(["apikey", "create", "--role", "Operator", "--name", "ci", $"--ConnectionStrings:Console={database}"], stdout: output);

        exitCode.Should().Be(0);
        var key = output.ToString().Trim().Split('\n').Last().Trim();
        key.Should().StartWith("bac_");
        await using var console = await ConsoleHost.StartAsync(moto, $"ConnectionStrings:Console={database}");
        using var ci = new HttpClient { BaseAddress = console.BaseAddress };
        ci.DefaultRequestHeaders.Authorization = new("Bearer", key);
        (await ci.GetAsync("/api/instances")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await ci.GetAsync("/api/access/keys")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "an Operator key is not an Admin key");
    }

    private static string TempDatabase() =>
        $"Data Source={Path.Combine(Path.GetTempPath(), "bac-tests", Guid.NewGuid().ToString("n"), "cli.db")}";

    private static async Task<int> RunAsync(string[] args, string stdin = "", TextWriter? stdout = null)
    {
        var (oldIn, oldOut) = (Console.In, Console.Out);
        Console.SetIn(new StringReader(stdin));
        if (stdout is not null) Console.SetOut(stdout);
        try
        {
            return await Program.Main([.. args, "--Logging:LogLevel:Default=Warning"]);
        }
        finally
        {
            Console.SetIn(oldIn);
            Console.SetOut(oldOut);
        }
    }
}

/// <summary>Tests that swap Console.In/Out run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleStreams
{
    public const string Name = "console streams";
}
