using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ButtonPush.Data;

/// <summary>The app's SQLite database: opens connections and brings the schema up to date on start.</summary>
internal sealed class ButtonPushDatabase
{
    // Each entry moves the schema one version forward; never edit a shipped entry, append a new one.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            is_admin INTEGER NOT NULL DEFAULT 0,
            keap_contact_id TEXT NULL,
            created INTEGER NOT NULL);
        CREATE TABLE presses (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL REFERENCES users (id),
            created INTEGER NOT NULL);
        CREATE INDEX ix_presses_user ON presses (user_id);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT NULL,
            parked INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL,
            done INTEGER NULL);
        CREATE INDEX ix_outbox_due ON outbox (done, parked, next_attempt_at);
        """,
        // Consent, what reached Keap and when, and why a row is waiting rather than failing.
        """
        ALTER TABLE users ADD COLUMN marketing_consent_at INTEGER NULL;
        ALTER TABLE users ADD COLUMN keap_synced_at INTEGER NULL;
        ALTER TABLE users ADD COLUMN keap_tagged_at INTEGER NULL;
        ALTER TABLE outbox ADD COLUMN waiting_for TEXT NULL;
        CREATE INDEX ix_outbox_open_user ON outbox (json_extract(payload, '$.UserId')) WHERE done IS NULL;
        """,
        // Who holds a row's claim (next_attempt_at is then when it lapses), so only that worker renews or releases it.
        """
        ALTER TABLE outbox ADD COLUMN claim TEXT NULL;
        """,
        // Keap's REST hook deliveries, one row per changed object (a retry or a second batch carrying the same change
        // finds its delivery key taken), and what the app last heard about each user's contact.
        """
        CREATE TABLE hook_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            delivery_key TEXT NOT NULL UNIQUE,
            event_key TEXT NOT NULL,
            object_type TEXT NOT NULL,
            object_id TEXT NOT NULL,
            changed_at INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            applied_at INTEGER NULL,
            outcome TEXT NULL);
        ALTER TABLE users ADD COLUMN keap_contact_deleted_at INTEGER NULL;
        ALTER TABLE users ADD COLUMN keap_tag_removed_at INTEGER NULL;
        ALTER TABLE users ADD COLUMN keap_email_status TEXT NULL;
        ALTER TABLE users ADD COLUMN keap_email_status_at INTEGER NULL;
        CREATE INDEX ix_users_keap_contact ON users (keap_contact_id);
        """,
    ];

    private readonly string connectionString;

    public ButtonPushDatabase(string connectionString)
    {
        this.connectionString = connectionString;
        DataSource = SqliteFactory.Instance.CreateDataSource(connectionString);
    }

    /// <summary>The same database as a <see cref="DbDataSource"/>, for the package's SQL token store.</summary>
    public DbDataSource DataSource { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // WAL lets the pages read while the outbox worker writes.
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);";
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        for (var version = current + 1; version <= Migrations.Length; version++)
        {
            await transaction.ExecuteAsync(Migrations[version - 1], cancellationToken);
            await transaction.ExecuteAsync("INSERT INTO schema_version (version) VALUES ($version);", cancellationToken, ("$version", version));
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
