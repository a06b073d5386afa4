using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// Writes a batch of results with PostgreSQL's binary COPY: one stream instead of one INSERT per row. The columns,
/// and how each value is stored (enum names, JSON details, UTC times), come from EF Core's model, so this stays in
/// step with the table EF migrates. Ids are taken from the table's identity sequence first, so each stored result
/// has its id, as after an EF insert. A COPY is all or nothing: a failed batch stores no row and can be retried.
/// </summary>
/// <remarks>
/// A result is unique per (test, scheduled time). A COPY cannot skip a row, so a batch holding a fire that is stored
/// already (two nodes ran it at a handover: rare) fails as a whole with a unique violation; that batch is then copied
/// into a temporary table and moved with INSERT … ON CONFLICT DO NOTHING, which stores the rest and skips the double.
/// Every other batch keeps the plain COPY's speed.
/// </remarks>
public sealed class ProbeResultCopy
{
    private const string Incoming = "ProbeResults_incoming";

    /// <summary>Days whose partition this process has made sure of (a new day costs one call, once).</summary>
    private readonly HashSet<DateOnly> _days = [];

    /// <returns>The results stored; a result left out was a fire stored already.</returns>
    public async Task<IReadOnlyList<ProbeResult>> WriteAsync(ConsoleDbContext db, IReadOnlyList<ProbeResult> results, CancellationToken cancellationToken)
    {
        var columns = Columns(db.Model);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var newDays = results.Select(r => ProbeResultPartitions.DayOf(r.ScheduledAt)).Distinct().Where(d => !_days.Contains(d)).ToList();
            if (newDays.Count > 0)
            {
                await ProbeResultPartitions.EnsureDaysAsync(db, newDays, cancellationToken);
                _days.UnionWith(newDays);
            }

            var ids = await db.Database.SqlQuery<long>($"""
                SELECT nextval(pg_get_serial_sequence('"ProbeResults"', 'Id')) AS "Value" FROM generate_series(1, {results.Count})
                """).ToListAsync(cancellationToken);
            for (var i = 0; i < results.Count; i++) results[i].Id = ids[i];

            try
            {
                await CopyAsync(connection, ProbeResultPartitions.Table, columns, results, cancellationToken);
                return results;
            }
            catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return await InsertSkippingStoredAsync(connection, columns, results, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<IReadOnlyList<ProbeResult>> InsertSkippingStoredAsync(NpgsqlConnection connection, List<Column> columns,
        IReadOnlyList<ProbeResult> results, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(
            $"CREATE TEMP TABLE \"{Incoming}\" (LIKE \"{ProbeResultPartitions.Table}\" INCLUDING DEFAULTS) ON COMMIT DROP", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await CopyAsync(connection, Incoming, columns, results, cancellationToken);
        var stored = new HashSet<long>();
        await using (var move = new NpgsqlCommand(
            $"INSERT INTO \"{ProbeResultPartitions.Table}\" ({names}) SELECT {names} FROM \"{Incoming}\" ON CONFLICT DO NOTHING RETURNING \"Id\"", connection, transaction))
        await using (var reader = await move.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) stored.Add(reader.GetInt64(0));
        }
        await transaction.CommitAsync(cancellationToken);
        foreach (var result in results.Where(r => !stored.Contains(r.Id))) result.Id = 0;
        return [.. results.Where(r => r.Id != 0)];
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, List<Column> columns, IReadOnlyList<ProbeResult> results,
        CancellationToken cancellationToken)
    {
        var names = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        await using var import = await connection.BeginBinaryImportAsync($"COPY \"{table}\" ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var result in results)
        {
            await import.StartRowAsync(cancellationToken);
            foreach (var column in columns)
            {
                var value = column.Property.GetGetter().GetClrValue(result);
                if (value is null)
                {
                    await import.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await import.WriteAsync(column.Converter?.ConvertToProvider(value) ?? value, column.Type, cancellationToken);
                }
            }
        }
        await import.CompleteAsync(cancellationToken);
    }

    private sealed record Column(IProperty Property, string Name, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter, NpgsqlDbType Type);

    private static List<Column> Columns(IModel model)
    {
        var entity = model.FindEntityType(typeof(ProbeResult))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return [.. entity.GetProperties().Select(property =>
        {
            var converter = property.GetTypeMapping().Converter;
            var stored = Nullable.GetUnderlyingType(converter?.ProviderClrType ?? property.ClrType) ?? converter?.ProviderClrType ?? property.ClrType;
            return new Column(property, property.GetColumnName(table)!, converter, TypeOf(stored));
        })];
    }

    private static NpgsqlDbType TypeOf(Type stored) =>
        stored == typeof(string) ? NpgsqlDbType.Text
        : stored == typeof(bool) ? NpgsqlDbType.Boolean
        : stored == typeof(int) ? NpgsqlDbType.Integer
        : stored == typeof(long) ? NpgsqlDbType.Bigint
        : stored == typeof(double) ? NpgsqlDbType.Double
        : stored == typeof(DateTime) ? NpgsqlDbType.TimestampTz
        : throw new NotSupportedException($"A probe result column of type {stored} has no COPY type here; add it");
}
