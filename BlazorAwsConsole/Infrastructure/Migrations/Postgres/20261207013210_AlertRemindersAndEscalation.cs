using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AlertRemindersAndEscalation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "EscalationStep",
                table: "Alerts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Escalations",
                table: "Alerts",
                type: "text",
                nullable: false,
                defaultValueSql: "'[]'");

            migrationBuilder.AddColumn<DateTime>(
                name: "LastRemindedAt",
                table: "Alerts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RemindersSent",
                table: "Alerts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Escalation",
                table: "AlertRules",
                type: "text",
                nullable: false,
                defaultValueSql: "'[]'");

            migrationBuilder.AddColumn<int>(
                name: "RepeatEveryMinutes",
                table: "AlertRules",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EscalationStep",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "Escalations",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "LastRemindedAt",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "RemindersSent",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "Escalation",
                table: "AlertRules");

            migrationBuilder.DropColumn(
                name: "RepeatEveryMinutes",
                table: "AlertRules");
        }
    }
}
