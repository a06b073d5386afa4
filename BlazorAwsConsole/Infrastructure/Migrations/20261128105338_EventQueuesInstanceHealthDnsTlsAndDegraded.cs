using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class EventQueuesInstanceHealthDnsTlsAndDegraded : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DegradedAboveMs",
                table: "SyntheticTests",
                type: "INTEGER",
                nullable: true);

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
                name: "JsonAssertions",
                table: "SyntheticTests",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'[]'");

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
                name: "EventQueueUrl",
                table: "Regions",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Degraded",
                table: "ProbeResults",
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

            migrationBuilder.AddColumn<string>(
                name: "ScheduledEvents",
                table: "Instances",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'[]'");

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
                name: "DegradedAboveMs",
                table: "SyntheticTests");

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
                name: "JsonAssertions",
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
                name: "EventQueueUrl",
                table: "Regions");

            migrationBuilder.DropColumn(
                name: "Degraded",
                table: "ProbeResults");

            migrationBuilder.DropColumn(
                name: "Dns",
                table: "ProbeResults");

            migrationBuilder.DropColumn(
                name: "Tls",
                table: "ProbeResults");

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
