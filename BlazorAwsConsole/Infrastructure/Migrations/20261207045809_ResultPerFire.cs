using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
{
    /// <summary>
    /// One result per fire: ProbeResults gains ScheduledAt (the fire time a run was due at) and a unique (TestId, ScheduledAt).
    /// Rows stored before it get their start minus their start lag (rounded to the millisecond; a "run now" its start),
    /// and a fire stored twice keeps its first row, so the unique index can be made.
    /// </summary>
    public partial class ResultPerFire : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ScheduledAt",
                table: "ProbeResults",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.Sql("""
                UPDATE "ProbeResults" SET "ScheduledAt" = strftime('%Y-%m-%d %H:%M:%f', julianday("StartedAt") - COALESCE("StartLagMs", 0) / 86400000.0);
                """);
            migrationBuilder.Sql("""
                DELETE FROM "ProbeResults" WHERE "Id" NOT IN (SELECT min("Id") FROM "ProbeResults" GROUP BY "TestId", "ScheduledAt");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_ProbeResults_TestId_ScheduledAt",
                table: "ProbeResults",
                columns: new[] { "TestId", "ScheduledAt" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ProbeResults_TestId_ScheduledAt",
                table: "ProbeResults");

            migrationBuilder.DropColumn(
                name: "ScheduledAt",
                table: "ProbeResults");
        }
    }
}
