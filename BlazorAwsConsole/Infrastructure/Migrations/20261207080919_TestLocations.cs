using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
{
    /// <summary>
    /// Tests choose their probe locations (a JSON list of names; empty: the console's own) and a failWhen rule; results carry
    /// the location they ran from (rows before it: "console"), and a fire is stored once per location.
    /// </summary>
    public partial class TestLocations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ProbeResults_TestId_ScheduledAt",
                table: "ProbeResults");

            migrationBuilder.AddColumn<string>(
                name: "FailWhen",
                table: "SyntheticTests",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "Any");

            migrationBuilder.AddColumn<int>(
                name: "FailWhenAtLeast",
                table: "SyntheticTests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Locations",
                table: "SyntheticTests",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'[]'");

            migrationBuilder.AddColumn<string>(
                name: "Location",
                table: "ProbeResults",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "console");

            migrationBuilder.CreateIndex(
                name: "IX_ProbeResults_TestId_ScheduledAt_Location",
                table: "ProbeResults",
                columns: new[] { "TestId", "ScheduledAt", "Location" },
                unique: true);
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
