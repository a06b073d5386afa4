using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class EventQueueAndInstanceHealth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EventQueueUrl",
                table: "Regions",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ScheduledEvents",
                table: "Instances",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "StatusChecks",
                table: "Instances",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "WithinDays",
                table: "AlertRules",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EventQueueUrl",
                table: "Regions");

            migrationBuilder.DropColumn(
                name: "ScheduledEvents",
                table: "Instances");

            migrationBuilder.DropColumn(
                name: "StatusChecks",
                table: "Instances");

            migrationBuilder.DropColumn(
                name: "WithinDays",
                table: "AlertRules");
        }
    }
}
