using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PendingAtMergeForQuartzBranch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Degraded",
                table: "ProbeRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Degraded",
                table: "ProbeRollups");
        }
    }
}
