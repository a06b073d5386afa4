using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class AgentStats : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "LastResultAt",
                table: "ConnectedAgents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "ResultsPerMinute",
                table: "ConnectedAgents",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<int>(
                name: "Spooled",
                table: "ConnectedAgents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "TestsOwned",
                table: "ConnectedAgents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastResultAt",
                table: "ConnectedAgents");

            migrationBuilder.DropColumn(
                name: "ResultsPerMinute",
                table: "ConnectedAgents");

            migrationBuilder.DropColumn(
                name: "Spooled",
                table: "ConnectedAgents");

            migrationBuilder.DropColumn(
                name: "TestsOwned",
                table: "ConnectedAgents");
        }
    }
}
