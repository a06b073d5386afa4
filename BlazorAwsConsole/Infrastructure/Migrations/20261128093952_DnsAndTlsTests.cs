using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DnsAndTlsTests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DnsExpectedAnswers",
                table: "SyntheticTests",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'[]'");

            migrationBuilder.AddColumn<string>(
                name: "DnsExpectedRcode",
                table: "SyntheticTests",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "NOERROR");

            migrationBuilder.AddColumn<string>(
                name: "DnsProtocol",
                table: "SyntheticTests",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "udp");

            migrationBuilder.AddColumn<string>(
                name: "DnsRecordType",
                table: "SyntheticTests",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "A");

            migrationBuilder.AddColumn<string>(
                name: "DnsResolver",
                table: "SyntheticTests",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TlsMinVersion",
                table: "SyntheticTests",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TlsServerName",
                table: "SyntheticTests",
                type: "TEXT",
                maxLength: 253,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "TlsVerifyChain",
                table: "SyntheticTests",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Dns",
                table: "ProbeResults",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tls",
                table: "ProbeResults",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DnsExpectedAnswers",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "DnsExpectedRcode",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "DnsProtocol",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "DnsRecordType",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "DnsResolver",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "TlsMinVersion",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "TlsServerName",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "TlsVerifyChain",
                table: "SyntheticTests");

            migrationBuilder.DropColumn(
                name: "Dns",
                table: "ProbeResults");

            migrationBuilder.DropColumn(
                name: "Tls",
                table: "ProbeResults");
        }
    }
}
