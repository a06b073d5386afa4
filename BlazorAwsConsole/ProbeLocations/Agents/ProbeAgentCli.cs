using BlazorAwsConsole.Access;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Observability;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>
/// `BlazorAwsConsole probe --server URL --location NAME [--name AGENT] [--token-file FILE] [--spool-limit N] [--spool-dir DIR]
/// [--link-local-allow A,B] [--max-concurrency N] [--allow-http]`: the probe agent, a plain generic host around <see cref="ProbeAgent"/>, the
/// console's runners (<see cref="Probes.Runners.ProbeRunnerRegistration.AddProbeRunners"/>), its test timers and its result
/// spool — no web server, no database, no AWS clients, no Vault. The token comes
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
        builder.Services.AddProbeRunners();
        builder.Services.AddSingleton<Runtime.AgentSpool>();
        builder.Services.AddSingleton<Runtime.AgentTestTimers>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<Runtime.AgentTestTimers>());
        builder.Services.AddHostedService<ProbeAgent>();
        using var host = builder.Build();
        try
        {
            // Opened before anything runs: a spool directory that is taken or not writable is a clear refusal, not a crash later.
            host.Services.GetRequiredService<Runtime.AgentSpool>();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"probe: --spool-dir: {error.Message}");
            return CliUsage.UsageError;
        }
        await host.RunAsync();
        return 0;
    }

    /// <summary>The options, or null after one line on stderr saying what is missing.</summary>
    private static async Task<ProbeAgentOptions?> ReadAsync(string[] args)
    {
        var (server, afterServer) = AccessCli.TakeOption(args, "--server");
        var (location, afterLocation) = AccessCli.TakeOption(afterServer, "--location");
        var (name, afterName) = AccessCli.TakeOption(afterLocation, "--name");
        var (tokenFile, afterTokenFile) = AccessCli.TakeOption(afterName, "--token-file");
        var (spoolLimit, afterSpool) = AccessCli.TakeOption(afterTokenFile, "--spool-limit");
        var (spoolDirectory, afterSpoolDirectory) = AccessCli.TakeOption(afterSpool, "--spool-dir");
        var (allow, afterAllow) = AccessCli.TakeOption(afterSpoolDirectory, "--link-local-allow");
        var (concurrency, afterConcurrency) = AccessCli.TakeOption(afterAllow, "--max-concurrency");
        var allowHttp = afterConcurrency.Contains("--allow-http");
        var rest = afterConcurrency.Where(a => a != "--allow-http").ToArray();
        string? problem = null;
        if (rest.Length > 0) problem = $"probe: unexpected argument {rest[0]}.";
        else if (server is null || !Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            problem = "probe: --server must be the console's URL, e.g. https://console.example.";
        // The token is a bearer token: over plain HTTP anyone on the path could take it. Loopback, or a network the
        // operator says they trust (a compose network), may use http://.
        else if (uri.Scheme == "http" && !uri.IsLoopback && !allowHttp)
            problem = $"probe: {server} would send the agent's token in clear; use https://, or --allow-http on a private network you trust.";
        else if (string.IsNullOrWhiteSpace(location)) problem = "probe: --location NAME is required (the probe location this agent serves).";
        else if (spoolLimit is not null && (!int.TryParse(spoolLimit, out var limit) || limit < 1))
            problem = "probe: --spool-limit must be a number of results, at least 1.";
        else if (spoolDirectory is not null && string.IsNullOrWhiteSpace(spoolDirectory))
            problem = "probe: --spool-dir must name a directory (the agent creates it, readable by its user only).";
        else if (concurrency is not null && (!int.TryParse(concurrency, out var most) || most is < 1 or > 1024))
            problem = "probe: --max-concurrency must be between 1 and 1024.";
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
        return new ProbeAgentOptions(baseUri, location!.Trim(), agentName, token)
        {
            SpoolLimit = spoolLimit is null ? ProbeAgentOptions.DefaultSpoolLimit : int.Parse(spoolLimit),
            MaxConcurrency = concurrency is null ? 64 : int.Parse(concurrency),
            SpoolDirectory = spoolDirectory,
            LinkLocalAllowList = [.. (allow ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        };
    }

    private static async Task<ProbeAgentOptions?> FailAsync(string problem)
    {
        await Console.Error.WriteLineAsync(problem);
        return null;
    }
}
