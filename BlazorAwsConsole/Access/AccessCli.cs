using System.Text;
using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Access;

/// <summary>`BlazorAwsConsole user add NAME --role R` and `BlazorAwsConsole apikey create --role R --name N`.</summary>
public static class AccessCli
{
    /// <summary>Keeps stdout for the command's answer (a script captures the key from it).</summary>
    private static readonly string[] LogsToStandardError = ["--Logging:Console:LogToStandardErrorThreshold=Trace"];

    public static async Task<int> AddUserAsync(string name, string[] args)
    {
        var (role, rest) = TakeOption(args, "--role");
        await using var app = Program.Build([.. rest, .. LogsToStandardError]);
        await PrepareDatabaseAsync(app);
        var password = ReadPassword($"Password for {name}: ");
        await using var scope = app.Services.CreateAsyncScope();
        var errors = await scope.ServiceProvider.GetRequiredService<UserAdminService>().AddAsync(name, password, role, Caller.System("cli"));
        if (errors.Count > 0)
        {
            foreach (var message in errors.Values.SelectMany(m => m)) await Console.Error.WriteLineAsync(message);
            return 2;
        }
        Console.WriteLine($"User {name} added as {ConsoleRoles.Parse(role)}.");
        return 0;
    }

    public static async Task<int> CreateApiKeyAsync(string[] args)
    {
        var (role, afterRole) = TakeOption(args, "--role");
        var (name, rest) = TakeOption(afterRole, "--name");
        if (ConsoleRoles.Parse(role) is null || string.IsNullOrWhiteSpace(name))
        {
            await Console.Error.WriteLineAsync($"usage: BlazorAwsConsole apikey create --role {string.Join("|", ConsoleRoles.All)} --name NAME");
            return 2;
        }
        await using var app = Program.Build([.. rest, .. LogsToStandardError]);
        await PrepareDatabaseAsync(app);
        var (key, record) = await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(name!, role!, "cli", CancellationToken.None);
        await app.Services.GetRequiredService<AuditLog>().WriteAsync("cli", "local", "apikey.create", $"{record.Name} ({record.Prefix}…)", $"ok as {record.Role}");
        // The key goes to stdout alone so a script can capture it; it is not stored and cannot be shown again.
        Console.WriteLine(key);
        return 0;
    }

    private static async Task PrepareDatabaseAsync(WebApplication app)
    {
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        await DatabaseMigrator.MigrateAsync(scopes, app.Logger, CancellationToken.None);
        // The roles are made under the start-up lock, as a starting node makes them: a CLI run beside a start is no race.
        await new AccessStartup(scopes, app.Services.GetRequiredService<StartupLock>(), app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AwsOptions>>(),
            Microsoft.Extensions.Options.Options.Create(new AccessOptions { SandboxDemoAdmin = false }),
            app.Services.GetRequiredService<ILogger<AccessStartup>>()).StartAsync(CancellationToken.None);
    }

    /// <summary>From the terminal without echo, or the first line of stdin when it is piped.</summary>
    private static string ReadPassword(string prompt)
    {
        if (Console.IsInputRedirected) return Console.ReadLine() ?? "";
        Console.Write(prompt);
        var password = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (password.Length > 0) password.Length--; }
            else password.Append(key.KeyChar);
        }
        Console.WriteLine();
        return password.ToString();
    }

    internal static (string? Value, string[] Remaining) TakeOption(string[] args, string option)
    {
        var index = Array.IndexOf(args, option);
        if (index < 0 || index + 1 >= args.Length) return (null, args);
        return (args[index + 1], [.. args[..index], .. args[(index + 2)..]]);
    }
}
