using BlazorAwsConsole.Access;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>
/// The executable's usage: its verbs and their options. `--help` prints it and exits 0; an unknown
/// verb prints it and exits 2, instead of starting the web server with a typo on the command line.
/// </summary>
public static class CliUsage
{
    public const int UsageError = 2;

    public static string Text { get; } = $"""
        Usage:
          BlazorAwsConsole [SETTINGS]                                start the console (web server and jobs)
          BlazorAwsConsole migrate [SETTINGS]                        apply pending database migrations and exit
          BlazorAwsConsole user add NAME --role ROLE [SETTINGS]      add a local user; the password is asked for, or read from stdin's first line
          BlazorAwsConsole apikey create --role ROLE --name NAME [SETTINGS]
                                                                     create an API key and print it alone on stdout (shown once)
          BlazorAwsConsole backup FILE [SETTINGS]                    copy the database to FILE while the console runs (PostgreSQL: prints the pg_dump command)
          BlazorAwsConsole restore FILE [SETTINGS]                   replace the database with FILE; the console must be stopped (PostgreSQL: prints pg_restore)
          BlazorAwsConsole probe --server URL --location NAME [--name AGENT] [--token-file FILE]
                                                                     run a probe agent for a location: it dials out to the console at URL
                                                                     with the location's token (from FILE, or PROBE_TOKEN); no database needed;
                                                                     https:// (http:// only to loopback, or with --allow-http);
                                                                     also [--spool-limit N] [--link-local-allow A,B] [--max-concurrency N]
          BlazorAwsConsole --help                                    print this help

        ROLE is one of {string.Join(", ", ConsoleRoles.All)}.
        SETTINGS are configuration keys, e.g. --urls http://0.0.0.0:8080, --Aws:Mode=Aws,
        --ConnectionStrings:Console="Data Source=/var/lib/console.db" (environment variables work too: Aws__Mode=Aws).

        """;

    public static bool AsksForHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?" or "help");

    /// <summary>
    /// The first word that is neither a setting ("--Key=Value", "--Key Value", "Key=Value", the forms
    /// .NET's command-line configuration reads) nor a known verb; null when there is none.
    /// </summary>
    public static string? UnknownVerb(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith('-') || arg.StartsWith('/'))
            {
                // "--key value": the next word is this setting's value.
                if (!arg.Contains('=')) i++;
                continue;
            }
            if (arg.Contains('=')) continue;
            return arg;
        }
        return null;
    }

    public static async Task<int> ShowAsync(TextWriter writer, string? problem = null)
    {
        if (problem is not null) await writer.WriteLineAsync(problem);
        await writer.WriteAsync(Text);
        return problem is null ? 0 : UsageError;
    }
}
