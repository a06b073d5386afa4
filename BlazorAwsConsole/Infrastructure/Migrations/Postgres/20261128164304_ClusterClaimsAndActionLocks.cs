using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations.Postgres
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
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClaimedBy",
                table: "NotificationDeliveries",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClaimedUntil",
                table: "NotificationDeliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "InstanceActionLocks",
                columns: table => new
                {
                    InstanceId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Node = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Token = table.Column<Guid>(type: "uuid", nullable: false)
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
