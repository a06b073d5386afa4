using BlazorAwsConsole.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// Writes a batch of results on SQLite with one prepared INSERT run once per row, in one transaction: the SQLite
/// counterpart of <see cref="ProbeResultCopy"/>. EF Core's SaveChanges of a batch was most of the console's CPU at
/// 833 runs/s (issue 13's 50,000-test soak): it tracks every result, builds and SQLite parses one statement per
/// row with its own parameters, and snapshots each JSON details column by serializing it twice. Here the statement
/// is parsed once per batch and only its values are bound per row. The columns, and how each value is stored
/// (enum names, JSON details, UTC times), come from EF Core's model, so this stays in step with the table EF
/// migrates. Each stored result gets its id (RETURNING), as after an EF insert; the batch is all or nothing.
/// A result whose fire is stored already (the unique (test, scheduled time)) is skipped (ON CONFLICT DO NOTHING) and
/// left out of what is returned, the rest of the batch is stored.
/// </summary>
public sealed class ProbeResultInsert
{
    private (IModel Model, string Sql, Column[] Columns)? _statement;

    /// <returns>The results stored; a result left out was a fire stored already.</returns>
    public async Task<IReadOnlyList<ProbeResult>> WriteAsync(ConsoleDbContext db, IReadOnlyList<ProbeResult> results, CancellationToken cancellationToken)
    {
        var (sql, columns) = StatementFor(db.Model);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = connection.BeginTransaction();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            var parameters = new SqliteParameter[columns.Length];
            for (var i = 0; i < columns.Length; i++) parameters[i] = command.Parameters.Add(new SqliteParameter { ParameterName = "$p" + i });
            var ids = new long?[results.Count];
            for (var row = 0; row < results.Count; row++)
            {
                for (var i = 0; i < columns.Length; i++) parameters[i].Value = columns[i].ValueOf(results[row]);
                // The same command, so Microsoft.Data.Sqlite keeps its prepared statement: parsed once per batch.
                // No row back: the fire was stored already.
                ids[row] = await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
            }
            await transaction.CommitAsync(cancellationToken);
            // Only once committed: a failed batch leaves every result without an id, to be stored again.
            var stored = new List<ProbeResult>(results.Count);
            for (var row = 0; row < results.Count; row++)
            {
                if (ids[row] is not { } id) continue;
                results[row].Id = id;
                stored.Add(results[row]);
            }
            return stored;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private (string Sql, Column[] Columns) StatementFor(IModel model)
    {
        if (_statement is { } known && ReferenceEquals(known.Model, model)) return (known.Sql, known.Columns);
        var entity = model.FindEntityType(typeof(ProbeResult))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var key = entity.FindPrimaryKey()!.Properties.Single();
        // The id is the table's own (INTEGER PRIMARY KEY): every other mapped column is written.
        var columns = entity.GetProperties().Where(p => p != key)
            .Select(p => new Column(p.GetGetter(), p.GetColumnName(table)!, p.GetTypeMapping().Converter))
            .ToArray();
        var names = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        var values = string.Join(", ", columns.Select((_, i) => "$p" + i));
        var sql = $"""INSERT INTO "{table.Name}" ({names}) VALUES ({values}) ON CONFLICT DO NOTHING RETURNING "{key.GetColumnName(table)}";""";
        _statement = (model, sql, columns);
        return (sql, columns);
    }

    private sealed record Column(IClrPropertyGetter Getter, string Name, ValueConverter? Converter)
    {
        /// <summary>The value as EF Core would store it: through the property's converter; null as NULL (converters never see null).</summary>
        public object ValueOf(ProbeResult result)
        {
            var value = Getter.GetClrValue(result);
            if (value is null) return DBNull.Value;
            return Converter is null ? value : Converter.ConvertToProvider(value) ?? DBNull.Value;
        }
    }
}
