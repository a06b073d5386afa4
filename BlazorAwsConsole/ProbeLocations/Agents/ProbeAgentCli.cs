using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Observability;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// `BlazorAwsConsole probe --server URL --location NAME [--name AGENT] [--token-file FILE]`: the probe agent, a plain
/// generic host around <see cref="ProbeAgent"/> — no web server, no database, no AWS clients, no Vault. The token comes
/// from --token-file or else PROBE_TOKEN, and is never printed.
/// </summary>
public static class ProbeAgentCli
{
    public const string TokenVariable = "PROBE_TOKEN";

    public static async Task<int> RunAsync(string[] args)
    {
        if (await ReadAsync(args) is not { } options) return CliUsage.UsageError;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(ProbeAgentCli).Assembly.GetName().Name,
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.AddJsonLogging();
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<ProbeAgent>();
        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }

    /// <summary>The options, or null after one line on stderr saying what is missing.</summary>
    private static async Task<ProbeAgentOptions?> ReadAsync(string[] args)
    {
        var (server, afterServer) = AccessCli.TakeOption(args, "--server");
        var (location, afterLocation) = AccessCli.TakeOption(afterServer, "--location");
        var (name, afterName) = AccessCli.TakeOption(afterLocation, "--name");
        var (tokenFile, rest) = AccessCli.TakeOption(afterName, "--token-file");
        string? problem = null;
        if (rest.Length > 0) problem = $"probe: unexpected argument {rest[0]}.";
        else if (server is null || !Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            problem = "probe: --server must be the console's URL, e.g. https://console.example.";
        else if (string.IsNullOrWhiteSpace(location)) problem = "probe: --location NAME is required (the probe location this agent serves).";
        if (problem is not null) return await FailAsync(problem);

        string? token;
        if (tokenFile is not null)
        {
            try
            {
                token = (await File.ReadAllTextAsync(tokenFile)).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return await FailAsync($"probe: cannot read the token file {tokenFile}: {ex.Message}");
            }
        }
        else token = Environment.GetEnvironmentVariable(TokenVariable)?.Trim();
        if (string.IsNullOrEmpty(token))
            return await FailAsync($"probe: no agent token: set {TokenVariable} or give --token-file FILE (an Admin makes one on the location's page).");

        var agentName = string.IsNullOrWhiteSpace(name) ? Environment.MachineName : name.Trim();
        var baseUri = new Uri(server!.EndsWith('/') ? server : server + "/");
        return new ProbeAgentOptions(baseUri, location!.Trim(), agentName, token);
    }

    private static async Task<ProbeAgentOptions?> FailAsync(string problem)
    {
        await Console.Error.WriteLineAsync(problem);
        return null;
    }
}
