using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// The tables of Quartz's ADO job store on PostgreSQL (default prefix <c>qrtz_</c>), made by the console's own
/// migration step so a node starts on an empty database. Written here from the tables and columns Quartz
/// 4.7's ADO delegate reads and writes (Quartz's package ships no DDL), as plain idempotent statements: they
/// are not an EF Core migration because EF migrations are regenerated at merges and the model knows nothing
/// of these tables. Quartz validates the schema at start-up (its default), so a column missing here is
/// reported by name when a node starts.
/// </summary>
/// <remarks>
/// Times are .NET ticks in BIGINT columns, flags are BOOLEAN, serialized job data and calendars BYTEA, as
/// Quartz's PostgreSQL delegate binds them. Later Quartz releases that add columns add them here with
/// <c>ALTER TABLE … ADD COLUMN IF NOT EXISTS</c>.
/// </remarks>
public static class QuartzSchema
{
    public const string TablePrefix = "qrtz_";

    /// <summary>Every table this store needs, in dependency order.</summary>
    internal static readonly string[] Statements =
    [
        """
        CREATE TABLE IF NOT EXISTS qrtz_job_details (
            sched_name        VARCHAR(120) NOT NULL,
            job_name          VARCHAR(200) NOT NULL,
            job_group         VARCHAR(200) NOT NULL,
            description       VARCHAR(250) NULL,
            job_class_name    VARCHAR(250) NOT NULL,
            is_durable        BOOLEAN NOT NULL,
            is_nonconcurrent  BOOLEAN NOT NULL,
            is_update_data    BOOLEAN NOT NULL,
            requests_recovery BOOLEAN NOT NULL,
            job_data          BYTEA NULL,
            CONSTRAINT pk_qrtz_job_details PRIMARY KEY (sched_name, job_name, job_group))
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_triggers (
            sched_name              VARCHAR(120) NOT NULL,
            trigger_name            VARCHAR(200) NOT NULL,
            trigger_group           VARCHAR(200) NOT NULL,
            job_name                VARCHAR(200) NOT NULL,
            job_group               VARCHAR(200) NOT NULL,
            description             VARCHAR(250) NULL,
            next_fire_time          BIGINT NULL,
            prev_fire_time          BIGINT NULL,
            priority                INTEGER NULL,
            trigger_state           VARCHAR(16) NOT NULL,
            trigger_type            VARCHAR(8) NOT NULL,
            start_time              BIGINT NOT NULL,
            end_time                BIGINT NULL,
            calendar_name           VARCHAR(200) NULL,
            misfire_instr           SMALLINT NULL,
            misfire_orig_fire_time  BIGINT NULL,
            job_data                BYTEA NULL,
            execution_group         VARCHAR(200) NULL,
            preferred_node          VARCHAR(200) NULL,
            preferred_node_auto     BOOLEAN NULL,
            retry_policy            TEXT NULL,
            retry_attempt           INTEGER NULL,
            continues_trigger_name  VARCHAR(200) NULL,
            continues_trigger_group VARCHAR(200) NULL,
            continuation_condition  INTEGER NULL,
            overlap_policy          INTEGER NULL,
            pause_reason            VARCHAR(1000) NULL,
            paused_by               VARCHAR(200) NULL,
            paused_at               BIGINT NULL,
            misfire_threshold       BIGINT NULL,
            fixed_delay             BOOLEAN NULL,
            CONSTRAINT pk_qrtz_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
            CONSTRAINT fk_qrtz_triggers_job FOREIGN KEY (sched_name, job_name, job_group)
                REFERENCES qrtz_job_details (sched_name, job_name, job_group))
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_simple_triggers (
            sched_name      VARCHAR(120) NOT NULL,
            trigger_name    VARCHAR(200) NOT NULL,
            trigger_group   VARCHAR(200) NOT NULL,
            repeat_count    BIGINT NOT NULL,
            repeat_interval BIGINT NOT NULL,
            times_triggered BIGINT NOT NULL,
            CONSTRAINT pk_qrtz_simple_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
            CONSTRAINT fk_qrtz_simple_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE)
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_simprop_triggers (
            sched_name    VARCHAR(120) NOT NULL,
            trigger_name  VARCHAR(200) NOT NULL,
            trigger_group VARCHAR(200) NOT NULL,
            str_prop_1    VARCHAR(512) NULL,
            str_prop_2    VARCHAR(512) NULL,
            str_prop_3    VARCHAR(512) NULL,
            int_prop_1    INTEGER NULL,
            int_prop_2    INTEGER NULL,
            long_prop_1   BIGINT NULL,
            long_prop_2   BIGINT NULL,
            dec_prop_1    NUMERIC NULL,
            dec_prop_2    NUMERIC NULL,
            bool_prop_1   BOOLEAN NULL,
            bool_prop_2   BOOLEAN NULL,
            time_zone_id  VARCHAR(80) NULL,
            CONSTRAINT pk_qrtz_simprop_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
            CONSTRAINT fk_qrtz_simprop_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE)
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_cron_triggers (
            sched_name      VARCHAR(120) NOT NULL,
            trigger_name    VARCHAR(200) NOT NULL,
            trigger_group   VARCHAR(200) NOT NULL,
            cron_expression VARCHAR(250) NOT NULL,
            time_zone_id    VARCHAR(80) NULL,
            CONSTRAINT pk_qrtz_cron_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
            CONSTRAINT fk_qrtz_cron_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE)
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_blob_triggers (
            sched_name    VARCHAR(120) NOT NULL,
            trigger_name  VARCHAR(200) NOT NULL,
            trigger_group VARCHAR(200) NOT NULL,
            blob_data     BYTEA NULL,
            CONSTRAINT pk_qrtz_blob_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
            CONSTRAINT fk_qrtz_blob_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE)
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_calendars (
            sched_name    VARCHAR(120) NOT NULL,
            calendar_name VARCHAR(200) NOT NULL,
            calendar      BYTEA NOT NULL,
            CONSTRAINT pk_qrtz_calendars PRIMARY KEY (sched_name, calendar_name))
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_paused_trigger_grps (
            sched_name    VARCHAR(120) NOT NULL,
            trigger_group VARCHAR(200) NOT NULL,
            pause_reason  VARCHAR(1000) NULL,
            paused_by     VARCHAR(200) NULL,
            paused_at     BIGINT NULL,
            CONSTRAINT pk_qrtz_paused_trigger_grps PRIMARY KEY (sched_name, trigger_group))
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_paused_job_grps (
            sched_name   VARCHAR(120) NOT NULL,
            job_group    VARCHAR(200) NOT NULL,
            pause_reason VARCHAR(1000) NULL,
            paused_by    VARCHAR(200) NULL,
            paused_at    BIGINT NULL,
            CONSTRAINT pk_qrtz_paused_job_grps PRIMARY KEY (sched_name, job_group))
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_fired_triggers (
            sched_name               VARCHAR(120) NOT NULL,
            entry_id                 VARCHAR(140) NOT NULL,
            trigger_name             VARCHAR(200) NOT NULL,
            trigger_group            VARCHAR(200) NOT NULL,
            instance_name            VARCHAR(200) NOT NULL,
            fired_time               BIGINT NOT NULL,
            sched_time               BIGINT NOT NULL,
            priority                 INTEGER NOT NULL,
            state                    VARCHAR(16) NOT NULL,
            job_name                 VARCHAR(200) NULL,
            job_group                VARCHAR(200) NULL,
            is_nonconcurrent         BOOLEAN NULL,
            requests_recovery        BOOLEAN NULL,
            execution_group          VARCHAR(200) NULL,
            progress                 DOUBLE PRECISION NULL,
            progress_message         VARCHAR(1000) NULL,
            interrupt_requested_time BIGINT NULL,
            CONSTRAINT pk_qrtz_fired_triggers PRIMARY KEY (sched_name, entry_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_scheduler_state (
            sched_name        VARCHAR(120) NOT NULL,
            instance_name     VARCHAR(200) NOT NULL,
            last_checkin_time BIGINT NOT NULL,
            checkin_interval  BIGINT NOT NULL,
            quartz_version    VARCHAR(50) NULL,
            CONSTRAINT pk_qrtz_scheduler_state PRIMARY KEY (sched_name, instance_name))
        """,
        """
        CREATE TABLE IF NOT EXISTS qrtz_locks (
            sched_name VARCHAR(120) NOT NULL,
            lock_name  VARCHAR(40) NOT NULL,
            CONSTRAINT pk_qrtz_locks PRIMARY KEY (sched_name, lock_name))
        """,
        // The acquisition query: due triggers of one scheduler in a state, by next fire time.
        "CREATE INDEX IF NOT EXISTS ix_qrtz_triggers_next_fire ON qrtz_triggers (sched_name, trigger_state, next_fire_time)",
        "CREATE INDEX IF NOT EXISTS ix_qrtz_triggers_job ON qrtz_triggers (sched_name, job_name, job_group)",
        "CREATE INDEX IF NOT EXISTS ix_qrtz_triggers_group ON qrtz_triggers (sched_name, trigger_group, trigger_state)",
        // Recovery of a dead node reads its fired triggers by instance; completion by trigger.
        "CREATE INDEX IF NOT EXISTS ix_qrtz_fired_triggers_instance ON qrtz_fired_triggers (sched_name, instance_name)",
        "CREATE INDEX IF NOT EXISTS ix_qrtz_fired_triggers_trigger ON qrtz_fired_triggers (sched_name, trigger_name, trigger_group)",
        "CREATE INDEX IF NOT EXISTS ix_qrtz_fired_triggers_job ON qrtz_fired_triggers (sched_name, job_name, job_group)",
    ];

    /// <summary>Creates what is missing; safe to run on every start and from several nodes (the caller holds the migration lock).</summary>
    public static async Task CreateIfMissingAsync(DbContext db, CancellationToken cancellationToken)
    {
        foreach (var statement in Statements)
        {
            await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
        }
    }

    /// <summary>
    /// Upgrade from a version that kept one trigger per synthetic test in the clustered store (group "probes"): they are
    /// removed, with the job they fired, under the migration lock. A node still on that version then fires none of them,
    /// and the tests run on the new nodes' own timers from their aligned times (none twice, none dropped).
    /// </summary>
    public static async Task RemovePerTestTriggersAsync(DbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var removed = await db.Database.ExecuteSqlRawAsync(
            "DELETE FROM " + TablePrefix + "triggers WHERE trigger_group = 'probes' AND job_name = 'probe-run'", cancellationToken);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM " + TablePrefix + "fired_triggers WHERE trigger_group = 'probes'", cancellationToken);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM " + TablePrefix + "job_details WHERE job_group = 'probes' AND job_name = 'probe-run'", cancellationToken);
        if (removed > 0) logger.LogInformation("Removed {Count} per-test trigger(s) from Quartz's clustered store: tests now run on each node's own timers", removed);
    }
}
