using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DegradedAndJsonAssertions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DegradedAboveMs",
                table: "SyntheticTests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "JsonAssertions",
                table: "SyntheticTests",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'[]'");

            migrationBuilder.AddColumn<bool>(
                name: "Degraded",
                table: "ProbeResults",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DegradedAboveMs",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "JsonAssertions",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "Degraded",
                table: "ProbeResults");
        }
    }
}
