using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Credentials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CredentialSets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    VaultPath = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    UseSts = table.Column<bool>(type: "INTEGER", nullable: false),
                    Regions = table.Column<string>(type: "TEXT", nullable: false),
                    RoleArn = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    AccessKeyIdLast4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    KvVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RotatedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialSets", x => x.Name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CredentialSets");
        }
    }
}
