using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations.Postgres
{
    /// <summary>
    /// One result per fire: ProbeResults gains ScheduledAt (the fire time a run was due at) and a unique (TestId, ScheduledAt).
    /// Rows stored before it get their start minus their start lag (rounded to the millisecond; a "run now" its start),
    /// and a fire stored twice keeps its first row. On a table already partitioned by StartedAt the unique index cannot be
    /// made (it would lack the partition key): ProbeResultPartitions re-partitions it by ScheduledAt right after the
    /// migrations, under the same lock, and makes the index then.
    /// </summary>
    public partial class ResultPerFire : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "ProbeResults" ADD COLUMN "ScheduledAt" timestamp with time zone;
                UPDATE "ProbeResults" SET "ScheduledAt" =
                    date_trunc('milliseconds', "StartedAt" - make_interval(secs => COALESCE("StartLagMs", 0) / 1000) + interval '500 microseconds');
                DELETE FROM "ProbeResults" WHERE "Id" IN (
                    SELECT "Id" FROM (SELECT "Id", row_number() OVER (PARTITION BY "TestId", "ScheduledAt" ORDER BY "Id") AS n FROM "ProbeResults") d WHERE n > 1);
                ALTER TABLE "ProbeResults" ALTER COLUMN "ScheduledAt" SET NOT NULL;
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('"ProbeResults"')) THEN
                        CREATE UNIQUE INDEX "IX_ProbeResults_TestId_ScheduledAt" ON "ProbeResults" ("TestId", "ScheduledAt");
                    END IF;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_ProbeResults_TestId_ScheduledAt";""");

            migrationBuilder.DropColumn(
                name: "ScheduledAt",
                table: "ProbeResults");
        }
    }
}
