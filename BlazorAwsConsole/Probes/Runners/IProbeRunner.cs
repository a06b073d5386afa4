namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// Runs one probe of one type from this console. Never throws for a probe that fails (a refused
/// connection, a timeout, a bad status are outcomes with a reason); throws only when cancelled.
/// Must honour <see cref="ProbeSpec.Timeout"/> for the whole run.
/// </summary>
public interface IProbeRunner
{
    ProbeType Type { get; }

    Task<ProbeOutcome> RunAsync(ProbeSpec spec, CancellationToken cancellationToken);
}
