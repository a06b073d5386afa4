using System.Globalization;
using BlazorAwsConsole.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BlazorAwsConsole.Probes;

/// <summary>
/// On PostgreSQL the raw results table is partitioned by <c>ScheduledAt</c> (the fire time a run was due at), one partition per UTC day
/// (<c>ProbeResults_yyyyMMdd</c>) plus a default partition that catches a row for a day not made yet, so an
/// insert never fails for want of a partition. Retention then drops whole days instead of deleting millions of
/// rows. EF Core's migrations cannot say "partitioned", so, like Quartz's tables (Cluster/QuartzSchema), this is
/// idempotent DDL the migrator runs under its lock after EF's migrations: it turns the plain table EF made into a
/// partitioned one (keeping its rows, columns, identity and EF's index names), and is a no-op after that.
/// The EF model is unchanged: EF still reads and writes <c>"ProbeResults"</c>, the parent.
/// </summary>
/// <remarks>
/// A partitioned table's primary key and unique indexes must hold the partition column, so the key is (<c>Id</c>,
/// <c>ScheduledAt</c>); <c>Id</c> stays an identity, still unique because only that sequence hands it out (EF and the COPY
/// writer both take it from there). The partition column is the scheduled time, not the start, because one result per
/// fire (and location) is kept by the unique (<c>TestId</c>, <c>ScheduledAt</c>, <c>Location</c>): partitioned by start time, that index would have
/// had to hold <c>StartedAt</c> too, which differs between two runs of one fire, and would have let the double in.
/// A table partitioned by <c>StartedAt</c> (before the scheduled time was stored) is converted again, rows kept.
/// </remarks>
public static class ProbeResultPartitions
{
    public const string Table = "ProbeResults";
    public const string DefaultPartition = "ProbeResults_default";
    private const string DayFormat = "yyyyMMdd";

    /// <summary>Days made ahead of today by the migrator and the retention job.</summary>
    public const int DaysAhead = 7;

    /// <summary>
    /// Makes the partition of one UTC day. When the default partition already holds rows of that day (written
    /// before the day was made) they are moved into the new partition, since PostgreSQL refuses a partition whose
    /// rows sit in the default one. A transaction-scoped advisory lock keeps two nodes from racing on the same day.
    /// </summary>
    private const string PartitionFunction = $$"""
        CREATE OR REPLACE FUNCTION console_probe_results_partition(day date) RETURNS boolean
        LANGUAGE plpgsql AS $fn$
        DECLARE
            name text := '{{Table}}_' || to_char(day, 'YYYYMMDD');
            low timestamptz := day::timestamp AT TIME ZONE 'UTC';
            high timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
        BEGIN
            IF to_regclass(quote_ident(name)) IS NOT NULL THEN RETURN false; END IF;
            PERFORM pg_advisory_xact_lock(4846591317236044112);
            IF to_regclass(quote_ident(name)) IS NOT NULL THEN RETURN false; END IF;
            IF EXISTS (SELECT 1 FROM "{{DefaultPartition}}" WHERE "ScheduledAt" >= low AND "ScheduledAt" < high) THEN
                EXECUTE format('CREATE TABLE %I (LIKE "{{Table}}" INCLUDING DEFAULTS)', name);
                EXECUTE format('WITH moved AS (DELETE FROM "{{DefaultPartition}}" WHERE "ScheduledAt" >= %L AND "ScheduledAt" < %L RETURNING *) INSERT INTO %I SELECT * FROM moved', low, high, name);
                EXECUTE format('ALTER TABLE "{{Table}}" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, low, high);
            ELSE
                EXECUTE format('CREATE TABLE %I PARTITION OF "{{Table}}" FOR VALUES FROM (%L) TO (%L)', name, low, high);
            END IF;
            RETURN true;
        END
        $fn$
        """;

    /// <summary>
    /// Turns EF's plain table (or one partitioned by StartedAt, whose partitions are renamed out of the way first) into
    /// the partitioned one in one transaction: the old table is renamed, its EF indexes
    /// are remembered and dropped (their names are free again), the new parent is made LIKE it with the same
    /// identity (continuing where the old sequence was), the key and indexes are made again, a day partition is made
    /// for every day the old rows cover, and the rows are copied over.
    /// </summary>
    private const string ConvertStatement = $$"""
        DO $do$
        DECLARE
            last_id bigint;
            index_definitions text[];
            definition text;
            part text;
            day date;
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
                       WHERE p.partrelid = to_regclass('"{{Table}}"') AND a.attname = 'ScheduledAt') THEN RETURN; END IF;
            FOR part IN SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('"{{Table}}"') LOOP
                EXECUTE format('ALTER TABLE %I RENAME TO %I', part, part || '_old');
            END LOOP;
            ALTER TABLE "{{Table}}" RENAME TO "{{Table}}_unpartitioned";
            SELECT GREATEST(COALESCE((SELECT max("Id") FROM "{{Table}}_unpartitioned"), 0),
                            COALESCE((SELECT last_value FROM pg_sequences WHERE sequencename = '{{Table}}_Id_seq' AND schemaname = current_schema()), 0))
                INTO last_id;
            SELECT COALESCE(array_agg(indexdef), ARRAY[]::text[]) INTO index_definitions FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename = '{{Table}}_unpartitioned' AND indexname <> 'PK_{{Table}}';
            FOR definition IN SELECT indexname FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename = '{{Table}}_unpartitioned' AND indexname <> 'PK_{{Table}}' LOOP
                EXECUTE format('DROP INDEX %I', definition);
            END LOOP;
            ALTER TABLE "{{Table}}_unpartitioned" DROP CONSTRAINT "PK_{{Table}}";
            ALTER TABLE "{{Table}}_unpartitioned" ALTER COLUMN "Id" DROP IDENTITY IF EXISTS;
            CREATE TABLE "{{Table}}" (LIKE "{{Table}}_unpartitioned" INCLUDING DEFAULTS) PARTITION BY RANGE ("ScheduledAt");
            ALTER TABLE "{{Table}}" ALTER COLUMN "Id" ADD GENERATED BY DEFAULT AS IDENTITY;
            PERFORM setval(pg_get_serial_sequence('"{{Table}}"', 'Id'), last_id + 1, false);
            ALTER TABLE "{{Table}}" ADD CONSTRAINT "PK_{{Table}}" PRIMARY KEY ("Id", "ScheduledAt");
            FOREACH definition IN ARRAY index_definitions LOOP
                -- An old partitioned table's indexes read "ON ONLY"; the new ones cover every partition.
                EXECUTE replace(replace(definition, ' ON ONLY ', ' ON '), '"{{Table}}_unpartitioned"', '"{{Table}}"');
            END LOOP;
            -- The migration could not make it on a table partitioned by StartedAt (it lacks the partition key there).
            CREATE UNIQUE INDEX IF NOT EXISTS "IX_{{Table}}_TestId_ScheduledAt_Location" ON "{{Table}}" ("TestId", "ScheduledAt", "Location");
            CREATE TABLE "{{DefaultPartition}}" PARTITION OF "{{Table}}" DEFAULT;
            FOR day IN SELECT DISTINCT ("ScheduledAt" AT TIME ZONE 'UTC')::date FROM "{{Table}}_unpartitioned" LOOP
                PERFORM console_probe_results_partition(day);
            END LOOP;
            INSERT INTO "{{Table}}" SELECT * FROM "{{Table}}_unpartitioned" ON CONFLICT DO NOTHING;
            DROP TABLE "{{Table}}_unpartitioned";
        END
        $do$
        """;

    /// <summary>
    /// Run by the migrator under its advisory lock, after EF's migrations: safe on every start and from every node.
    /// Also makes the days around today, so the writer's first batches land in day partitions.
    /// </summary>
    public static async Task CreateOrConvertAsync(ConsoleDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync(PartitionFunction, cancellationToken);
        await db.Database.ExecuteSqlRawAsync(ConvertStatement, cancellationToken);
        await EnsureDaysAsync(db, DaysAround(now), cancellationToken);
    }

    /// <summary>Yesterday (late results), today and <see cref="DaysAhead"/> days ahead.</summary>
    public static IEnumerable<DateOnly> DaysAround(DateTime now)
    {
        var today = DateOnly.FromDateTime(now);
        return Enumerable.Range(-1, DaysAhead + 2).Select(today.AddDays);
    }

    public static DateOnly DayOf(DateTime startedAt) => DateOnly.FromDateTime(startedAt.Kind == DateTimeKind.Local ? startedAt.ToUniversalTime() : startedAt);

    /// <summary>Makes the partitions of these days that are missing; returns how many it made.</summary>
    public static async Task<int> EnsureDaysAsync(ConsoleDbContext db, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        var made = 0;
        foreach (var day in days.Distinct())
        {
            var created = await db.Database.SqlQuery<bool>($"SELECT console_probe_results_partition({day}) AS \"Value\"").SingleAsync(cancellationToken);
            if (created) made++;
        }
        return made;
    }

    /// <summary>The day partitions that exist, by day (the default partition is not one of them).</summary>
    public static async Task<List<DateOnly>> DaysAsync(ConsoleDbContext db, CancellationToken cancellationToken)
    {
        var names = await db.Database.SqlQuery<string>($"""
            SELECT c.relname::text AS "Value" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass('"ProbeResults"')
            """).ToListAsync(cancellationToken);
        return [.. names.Select(DayOfName).OfType<DateOnly>().Order()];
    }

    /// <summary>
    /// Drops every day partition that ends at or before <paramref name="before"/>; returns the rows they held.
    /// A partition is detached first (the same lock order as an insert: parent, then partition), so no insert can
    /// reach it while its rows are counted and it is dropped.
    /// </summary>
    public static async Task<long> DropDaysBeforeAsync(ConsoleDbContext db, DateTime before, CancellationToken cancellationToken)
    {
        long rows = 0;
        foreach (var day in await DaysAsync(db, cancellationToken))
        {
            if (day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) > before) continue;
            // The name is made from a parsed date here, never from input.
            var name = NameOf(day);
            string detach = $"ALTER TABLE \"{Table}\" DETACH PARTITION \"{name}\"", count = $"SELECT count(*) AS \"Value\" FROM \"{name}\"", drop = $"DROP TABLE \"{name}\"";
            await db.Database.ExecuteSqlRawAsync(detach, cancellationToken);
            rows += await db.Database.SqlQueryRaw<long>(count).SingleAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync(drop, cancellationToken);
        }
        return rows;
    }

    public static string NameOf(DateOnly day) => $"{Table}_{day.ToString(DayFormat, CultureInfo.InvariantCulture)}";

    private static DateOnly? DayOfName(string name) =>
        name.StartsWith(Table + "_", StringComparison.Ordinal)
        && DateOnly.TryParseExact(name[(Table.Length + 1)..], DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day : null;
}
