using System.Text;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Probes.Export;

/// <summary>
/// Stored results as CSV, oldest first, written to a stream as they are read. The rows are read in
/// keyset pages of <see cref="PageSize"/> (each a short query of its own, on the (TestId, StartedAt)
/// index) and each page is written out before the next is read: nothing but one page is held in
/// memory, and on SQLite no read transaction stays open while a slow client downloads (an open read
/// would hold off the result writer's commits).
/// </summary>
public sealed class ProbeResultsCsv(IDbContextFactory<ConsoleDbContext> contexts, ProbeCatalog catalog)
{
    public const int PageSize = 1000;
    public const string Header = "id,testId,testName,type,status,success,startedAt,durationMs,responseTimeMs,startLagMs,source,location,reason";

    private sealed record Row(long Id, int TestId, ProbeType Type, bool Success, bool Degraded, DateTime StartedAt,
        double DurationMs, double? ResponseTimeMs, double? StartLagMs, string Source, string Location, string Reason);

    public async Task WriteAsync(Stream body, ProbeResultFilter filter, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(Header + "\r\n");
        (DateTime At, long Id)? after = null;
        while (true)
        {
            var page = await PageAsync(filter, after, cancellationToken);
            foreach (var row in page) await writer.WriteAsync(Line(row));
            await writer.FlushAsync(cancellationToken);
            if (page.Count < PageSize) break;
            after = (page[^1].StartedAt, page[^1].Id);
        }
    }

    private async Task<List<Row>> PageAsync(ProbeResultFilter filter, (DateTime At, long Id)? after, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = filter.Apply(db.ProbeResults.AsNoTracking());
        if (after is var (at, id)) query = query.Where(r => r.StartedAt > at || (r.StartedAt == at && r.Id > id));
        return await query.OrderBy(r => r.StartedAt).ThenBy(r => r.Id).Take(PageSize)
            .Select(r => new Row(r.Id, r.TestId, r.Type, r.Success, r.Degraded, r.StartedAt, r.DurationMs, r.ResponseTimeMs, r.StartLagMs, r.Source, r.Location, r.Reason))
            .ToListAsync(cancellationToken);
    }

    private string Line(Row row)
    {
        var status = !row.Success ? ProbeHealth.Down : row.Degraded ? ProbeHealth.Degraded : ProbeHealth.Up;
        return string.Join(',',
            row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            row.TestId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            CsvField.Text(catalog.Find(row.TestId)?.Name),
            SyntheticTestDto.TypeName(row.Type),
            ProbeHealthRules.Name(status),
            row.Success ? "true" : "false",
            DateTime.SpecifyKind(row.StartedAt, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            CsvField.Number(row.DurationMs),
            CsvField.Number(row.ResponseTimeMs),
            CsvField.Number(row.StartLagMs),
            CsvField.Text(row.Source),
            CsvField.Text(row.Location),
            CsvField.Text(row.Reason)) + "\r\n";
    }
}
