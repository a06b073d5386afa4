using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations.Postgres
{
    /// <summary>
    /// Tests choose their probe locations (a JSON list of names; empty: the console's own) and a failWhen rule; results carry
    /// the location they ran from (rows before it: "console"), and a fire is stored once per location. The unique index is
    /// changed with guarded SQL: on a table still partitioned by StartedAt (before ResultPerFire's conversion) neither the old
    /// index exists nor can the new one be made; ProbeResultPartitions makes it when it re-partitions, right after.
    /// </summary>
    public partial class TestLocations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_ProbeResults_TestId_ScheduledAt";""");

            migrationBuilder.AddColumn<string>(
                name: "FailWhen",
                table: "SyntheticTests",
                type: "character varying(8)",
                maxLength: 8,
                nullable: false,
                defaultValue: "Any");

            migrationBuilder.AddColumn<int>(
                name: "FailWhenAtLeast",
                table: "SyntheticTests",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Locations",
                table: "SyntheticTests",
                type: "text",
                nullable: false,
                defaultValueSql: "'[]'");

            migrationBuilder.AddColumn<string>(
                name: "Location",
                table: "ProbeResults",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "console");

            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
                                   WHERE p.partrelid = to_regclass('"ProbeResults"') AND a.attname = 'StartedAt') THEN
                        CREATE UNIQUE INDEX IF NOT EXISTS "IX_ProbeResults_TestId_ScheduledAt_Location" ON "ProbeResults" ("TestId", "ScheduledAt", "Location");
                    END IF;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ProbeResults_TestId_ScheduledAt_Location",
                table: "ProbeResults");

            migrationBuilder.DropColumn(
                name: "FailWhen",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "FailWhenAtLeast",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "Locations",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "Location",
                table: "ProbeResults");

            migrationBuilder.CreateIndex(
                name: "IX_ProbeResults_TestId_ScheduledAt",
                table: "ProbeResults",
                columns: new[] { "TestId", "ScheduledAt" },
                unique: true);
        }
    }
}
