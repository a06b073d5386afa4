using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
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
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<long>(
                name: "SubscriptionId",
                table: "NotificationDeliveries",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "StatusSubscriptions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PageId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ConfirmedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ConfirmTokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ConfirmExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ConfirmSentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    UnsubscribeTokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UnsubscribeTokenProtected = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false)
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
