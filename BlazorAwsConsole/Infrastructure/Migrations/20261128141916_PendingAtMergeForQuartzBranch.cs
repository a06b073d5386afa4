using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
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
                type: "INTEGER",
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
