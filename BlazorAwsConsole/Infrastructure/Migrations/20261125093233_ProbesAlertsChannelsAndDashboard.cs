using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorAwsConsole.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ProbesAlertsChannelsAndDashboard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AlertRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Condition = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ChannelIds = table.Column<string>(type: "TEXT", nullable: false),
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Tag = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    TestId = table.Column<int>(type: "INTEGER", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "INTEGER", nullable: true),
                    ThresholdMs = table.Column<double>(type: "REAL", nullable: true),
                    ForMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    SuccessRateBelow = table.Column<double>(type: "REAL", nullable: true),
                    WindowMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    StaleMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    DaysBeforeLimit = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RuleId = table.Column<int>(type: "INTEGER", nullable: false),
                    RuleName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SubjectKey = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Link = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Flapping = table.Column<bool>(type: "INTEGER", nullable: false),
                    FiredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AcknowledgedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AcknowledgeComment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MaintenanceWindows",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    StartsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RuleIds = table.Column<string>(type: "TEXT", nullable: false),
                    InstanceTag = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaintenanceWindows", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "NotificationChannels",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    TargetHint = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    SmtpHost = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    SmtpPort = table.Column<int>(type: "INTEGER", nullable: true),
                    SmtpTls = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SmtpUser = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    From = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    To = table.Column<string>(type: "TEXT", nullable: false),
                    HmacSecretSet = table.Column<bool>(type: "INTEGER", nullable: false),
                    SmtpPasswordSet = table.Column<bool>(type: "INTEGER", nullable: false),
                    SlackUrlSet = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FailureStreak = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    LastFailedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSentAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationChannels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProbeResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TestId = table.Column<int>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Success = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DurationMs = table.Column<double>(type: "REAL", nullable: false),
                    ResponseTimeMs = table.Column<double>(type: "REAL", nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StartLagMs = table.Column<double>(type: "REAL", nullable: true),
                    Ping = table.Column<string>(type: "TEXT", nullable: true),
                    Traceroute = table.Column<string>(type: "TEXT", nullable: true),
                    Port = table.Column<string>(type: "TEXT", nullable: true),
                    Http = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProbeResults", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProbeRollups",
                columns: table => new
                {
                    TestId = table.Column<int>(type: "INTEGER", nullable: false),
                    Hour = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false),
                    MinMs = table.Column<double>(type: "REAL", nullable: true),
                    AvgMs = table.Column<double>(type: "REAL", nullable: true),
                    P95Ms = table.Column<double>(type: "REAL", nullable: true),
                    MaxMs = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProbeRollups", x => new { x.TestId, x.Hour });
                });

            migrationBuilder.CreateTable(
                name: "SyntheticTests",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    FrequencySeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    TimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    SourceInstanceId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    SourceRegion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Tags = table.Column<string>(type: "TEXT", nullable: false),
                    PingCount = table.Column<int>(type: "INTEGER", nullable: false),
                    PingIntervalMs = table.Column<int>(type: "INTEGER", nullable: false),
                    PingPayloadBytes = table.Column<int>(type: "INTEGER", nullable: false),
                    PingDontFragment = table.Column<bool>(type: "INTEGER", nullable: false),
                    PingTtl = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxHops = table.Column<int>(type: "INTEGER", nullable: false),
                    ProbesPerHop = table.Column<int>(type: "INTEGER", nullable: false),
                    HopTimeoutMs = table.Column<int>(type: "INTEGER", nullable: false),
                    Port = table.Column<int>(type: "INTEGER", nullable: true),
                    SendText = table.Column<string>(type: "TEXT", nullable: true),
                    ExpectText = table.Column<string>(type: "TEXT", nullable: true),
                    UseTls = table.Column<bool>(type: "INTEGER", nullable: false),
                    HttpMethod = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Headers = table.Column<string>(type: "TEXT", nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: true),
                    ExpectedStatus = table.Column<string>(type: "TEXT", nullable: true),
                    BodyContains = table.Column<string>(type: "TEXT", nullable: true),
                    BodyMatchesRegex = table.Column<string>(type: "TEXT", nullable: true),
                    BodyMustNotContain = table.Column<string>(type: "TEXT", nullable: true),
                    FollowRedirects = table.Column<bool>(type: "INTEGER", nullable: false),
                    MaxRedirects = table.Column<int>(type: "INTEGER", nullable: false),
                    VerifyTls = table.Column<bool>(type: "INTEGER", nullable: false),
                    CertificateExpiryWarningDays = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyntheticTests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "NotificationDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    AlertId = table.Column<long>(type: "INTEGER", nullable: true),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NotificationDeliveries_NotificationChannels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "NotificationChannels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action_At",
                table: "AuditEntries",
                columns: new[] { "Action", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_RuleId_SubjectKey_ResolvedAt",
                table: "Alerts",
                columns: new[] { "RuleId", "SubjectKey", "ResolvedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_Status",
                table: "Alerts",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_MaintenanceWindows_EndsAt",
                table: "MaintenanceWindows",
                column: "EndsAt");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationChannels_Name",
                table: "NotificationChannels",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_AlertId",
                table: "NotificationDeliveries",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_ChannelId_Id",
                table: "NotificationDeliveries",
                columns: new[] { "ChannelId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_Status_NextAttemptAt",
                table: "NotificationDeliveries",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ProbeResults_StartedAt",
                table: "ProbeResults",
                column: "StartedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ProbeResults_TestId_StartedAt",
                table: "ProbeResults",
                columns: new[] { "TestId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ProbeRollups_Hour",
                table: "ProbeRollups",
                column: "Hour");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlertRules");

            migrationBuilder.DropTable(
                name: "Alerts");

            migrationBuilder.DropTable(
                name: "MaintenanceWindows");

            migrationBuilder.DropTable(
                name: "NotificationDeliveries");

            migrationBuilder.DropTable(
                name: "ProbeResults");

            migrationBuilder.DropTable(
                name: "ProbeRollups");

            migrationBuilder.DropTable(
                name: "SyntheticTests");

            migrationBuilder.DropTable(
                name: "NotificationChannels");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_Action_At",
                table: "AuditEntries");
        }
    }
}
