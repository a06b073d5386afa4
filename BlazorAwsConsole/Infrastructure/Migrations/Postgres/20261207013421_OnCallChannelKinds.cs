using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OnCallChannelKinds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ApiKeySet",
                table: "NotificationChannels",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "AppTokenSet",
                table: "NotificationChannels",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "BotTokenSet",
                table: "NotificationChannels",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "ChatId",
                table: "NotificationChannels",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Endpoint",
                table: "NotificationChannels",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "NotifyResolved",
                table: "NotificationChannels",
                type: "boolean",
                nullable: false,
                // Channels saved before this column existed kept sending resolves.
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "Priority",
                table: "NotificationChannels",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Region",
                table: "NotificationChannels",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RoutingKeySet",
                table: "NotificationChannels",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "TokenSet",
                table: "NotificationChannels",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "UserKeySet",
                table: "NotificationChannels",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "WebhookUrlSet",
                table: "NotificationChannels",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ApiKeySet",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "AppTokenSet",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "BotTokenSet",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "ChatId",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "Endpoint",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "NotifyResolved",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "Priority",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "Region",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "RoutingKeySet",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "TokenSet",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "UserKeySet",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "WebhookUrlSet",
                table: "NotificationChannels");
        }
    }
}
