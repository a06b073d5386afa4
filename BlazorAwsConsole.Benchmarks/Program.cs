// Benchmarks of the console, each a program mode. From the repository root:
//     dotnet run -c Release --project BlazorAwsConsole.Benchmarks               fleet sync vs. the AWS CLI (add  -- --runs N)
//     dotnet run -c Release --project BlazorAwsConsole.Benchmarks -- probes     probe engine vs. blackbox_exporter, and the scheduler (add  --minutes N)
//     dotnet run -c Release --project BlazorAwsConsole.Benchmarks -- slowsync   big regions on a slow endpoint: time to first full load, before and after
//     dotnet run -c Release --project BlazorAwsConsole.Benchmarks -- events     EC2 event → change stored and published, beside the poll's latency
//     dotnet run -c Release --project BlazorAwsConsole.Benchmarks -- cluster    the console on PostgreSQL: scheduler soak and results table at scale (add  --only soak|results|capacity, --tests N, --minutes M, --rows N)
//     dotnet run -c Release --project BlazorAwsConsole.Benchmarks -- status     anonymous status page of 50 components under wrk -c 64, on the console and behind deploy/nginx.conf, and a fleet page's render time meanwhile (add  --seconds N)
//     dotnet run -c Release --project BlazorAwsConsole.Benchmarks -- locations  one console and two probe agents (a location each) on HTTP tests: store latency, lost, duplicated, CPU per result vs. a local probe (add  --tests N, --minutes M)
// See README.md beside this file.
using System.Runtime.InteropServices;
using BlazorAwsConsole.Benchmarks;
using BlazorAwsConsole.Benchmarks.Probes;

using var cancel = new CancellationTokenSource();
// Ctrl+C or SIGTERM cancel the run instead of ending the process, so the console host stops and the
// servers the benchmark started (moto, nginx, blackbox_exporter) are killed.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; cancel.Cancel(); });
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; cancel.Cancel(); });

return args switch
{
    ["probes", .. var rest] => await ProbesBenchmark.RunAsync(rest, cancel.Token),
    ["slowsync", .. var rest] => await SlowSyncBenchmark.RunAsync(rest, cancel.Token),
    ["cluster", .. var rest] => await BlazorAwsConsole.Benchmarks.Cluster.ClusterBenchmark.RunAsync([.. rest], cancel.Token),
    ["status", .. var rest] => await BlazorAwsConsole.Benchmarks.Status.StatusBenchmark.RunAsync(rest, cancel.Token),
    ["locations", .. var rest] => await BlazorAwsConsole.Benchmarks.Locations.LocationsBenchmark.RunAsync(rest, cancel.Token),
    ["events", .. var rest] => await BlazorAwsConsole.Benchmarks.Events.EventsBenchmark.RunAsync(rest, cancel.Token),
    _ => await FleetBenchmark.RunAsync(args, cancel.Token),
};
