using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class StatusSubscriptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<int>(
                name: "ChannelId",
                table: "NotificationDeliveries",
                type: "integer",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer");

            migrationBuilder.AddColumn<long>(
                name: "SubscriptionId",
                table: "NotificationDeliveries",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "StatusSubscriptions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PageId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Address = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ConfirmedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ConfirmTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ConfirmExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ConfirmSentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UnsubscribeTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UnsubscribeTokenProtected = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatusSubscriptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StatusSubscriptions_StatusPages_PageId",
                        column: x => x.PageId,
                        principalTable: "StatusPages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_SubscriptionId",
                table: "NotificationDeliveries",
                column: "SubscriptionId");

            migrationBuilder.CreateIndex(
                name: "IX_StatusSubscriptions_ConfirmExpiresAt",
                table: "StatusSubscriptions",
                column: "ConfirmExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_StatusSubscriptions_ConfirmTokenHash",
                table: "StatusSubscriptions",
                column: "ConfirmTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StatusSubscriptions_PageId_ConfirmedAt",
                table: "StatusSubscriptions",
                columns: new[] { "PageId", "ConfirmedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_StatusSubscriptions_PageId_Kind_Address",
                table: "StatusSubscriptions",
                columns: new[] { "PageId", "Kind", "Address" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StatusSubscriptions_UnsubscribeTokenHash",
                table: "StatusSubscriptions",
                column: "UnsubscribeTokenHash",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_NotificationDeliveries_StatusSubscriptions_SubscriptionId",
                table: "NotificationDeliveries",
                column: "SubscriptionId",
                principalTable: "StatusSubscriptions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_NotificationDeliveries_StatusSubscriptions_SubscriptionId",
                table: "NotificationDeliveries");

            migrationBuilder.DropTable(
                name: "StatusSubscriptions");

            migrationBuilder.DropIndex(
                name: "IX_NotificationDeliveries_SubscriptionId",
                table: "NotificationDeliveries");

            migrationBuilder.DropColumn(
                name: "SubscriptionId",
                table: "NotificationDeliveries");

            migrationBuilder.AlterColumn<int>(
                name: "ChannelId",
                table: "NotificationDeliveries",
                type: "integer",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);
        }
    }
}
