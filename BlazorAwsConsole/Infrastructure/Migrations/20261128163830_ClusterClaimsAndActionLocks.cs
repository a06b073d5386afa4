using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ClusterClaimsAndActionLocks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ClaimToken",
                table: "NotificationDeliveries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClaimedBy",
                table: "NotificationDeliveries",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClaimedUntil",
                table: "NotificationDeliveries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "InstanceActionLocks",
                columns: table => new
                {
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Node = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Token = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstanceActionLocks", x => x.InstanceId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_OpenPerSubject",
                table: "Alerts",
                columns: new[] { "RuleId", "SubjectKey" },
                unique: true,
                filter: "\"Status\" <> 'Resolved'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InstanceActionLocks");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_OpenPerSubject",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "ClaimToken",
                table: "NotificationDeliveries");

            migrationBuilder.DropColumn(
                name: "ClaimedBy",
                table: "NotificationDeliveries");

            migrationBuilder.DropColumn(
                name: "ClaimedUntil",
                table: "NotificationDeliveries");
        }
    }
}
