using BlazorAwsConsole.Secrets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorAwsConsole.Infrastructure.KeysAtRest;

/// <summary>
/// This node's key-encryption key: read (or, for a database that holds no encrypted key yet, made) once at start,
/// after the migrations and before ASP.NET Core loads the key ring, and checked against the keys stored in the
/// database, so a node that could not decrypt them stops at start with what to do instead of failing sign-ins later.
/// Keys an earlier version stored in the clear are deleted then (README, "Keys at rest").
/// </summary>
public sealed class KeyEncryptionKeys(
    IOptions<KeysAtRestOptions> options,
    IDbContextFactory<ConsoleDbContext> contexts,
    IHostEnvironment environment,
    VaultClient vault,
    ILogger<KeyEncryptionKeys> logger) : IHostedService, IDisposable
{
    private const string Remedy = "give every node the same DataProtection:KeyEncryptionKeyFile or Vault path";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private KeyEncryptionKey? _current;

    /// <summary>
    /// The key. Loaded at start; loaded here only when data is protected without the console being started (an
    /// admin command), where blocking on the load is harmless.
    /// </summary>
    public KeyEncryptionKey Current => Volatile.Read(ref _current) ?? LoadAsync(CancellationToken.None).GetAwaiter().GetResult();

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<KeyEncryptionKey> LoadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } loaded) return loaded;
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var stored = await StoredKeyRing.ReadAsync(db, cancellationToken);
            if (stored.OtherDecryptors.Count > 0)
            {
                throw new KeysAtRestRefused($"Data-protection keys in the database are encrypted by {string.Join(", ", stored.OtherDecryptors)}, which this console does not use; delete those rows of DataProtectionKeys (everyone signs in again).");
            }
            var source = SourceFor(db);
            // A new key-encryption key could never open keys already stored, so one is made only for an empty ring.
            var (key, created) = await ReadOrCreateAsync(source, allowCreate: stored.Fingerprints.Count == 0, cancellationToken);
            var others = stored.Fingerprints.Where(f => f != key?.Fingerprint).ToList();
            if (key is null || others.Count > 0)
            {
                var has = key is null ? $"none ({source.Where} does not exist)" : $"{key.Fingerprint} ({source.Where})";
                throw new KeysAtRestRefused(
                    $"The data-protection keys in the database were encrypted with key-encryption key {string.Join(", ", others)}, but this node has {has}: {Remedy}. " +
                    "To start over instead, delete the rows of the DataProtectionKeys table: everyone signs in again.");
            }
            Announce(source, key, created);
            if (stored.PlaintextRows.Count > 0)
            {
                var deleted = await stored.DeletePlaintextAsync(db, cancellationToken);
                logger.LogWarning("Deleted {Count} data-protection key(s) an earlier version stored unencrypted: the sign-in cookies they signed are no longer accepted, so everyone signs in once more. New keys are encrypted with key-encryption key {Fingerprint}", deleted, key.Fingerprint);
            }
            Volatile.Write(ref _current, key);
            return key;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Source(string Where, string? File, bool SharedByHand);

    private Source SourceFor(ConsoleDbContext db)
    {
        var settings = options.Value;
        var file = settings.KeyEncryptionKeyFile;
        if (settings.KeyEncryptionKeySource == KeyEncryptionKeySource.Vault
            || (settings.KeyEncryptionKeySource == KeyEncryptionKeySource.Auto && string.IsNullOrWhiteSpace(file) && vault.IsConfigured))
        {
            return new Source($"the Vault secret {vault.Options.KvMount}/{settings.VaultPath} at {vault.Options.Address}", null, false);
        }
        if (!string.IsNullOrWhiteSpace(file))
        {
            var path = Path.GetFullPath(Path.Combine(environment.ContentRootPath, file));
            return new Source($"the file {path}", path, false);
        }
        var beside = db.Database.IsSqlite() ? SqliteFolder(db.Database.GetConnectionString()) : null;
        var folder = beside ?? Path.Combine(environment.ContentRootPath, "data");
        var defaultPath = Path.Combine(folder, KeysAtRestOptions.DefaultFileName);
        // A SQLite file serves one node; any other database may be shared by nodes, which then need this same file.
        return new Source($"the file {defaultPath}", defaultPath, SharedByHand: beside is null);
    }

    private static string? SqliteFolder(string? connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(file) || file == ":memory:" ? null : Path.GetDirectoryName(Path.GetFullPath(file));
    }

    private async Task<(KeyEncryptionKey? Key, bool Created)> ReadOrCreateAsync(Source source, bool allowCreate, CancellationToken cancellationToken)
    {
        if (source.File is { } file)
        {
            return allowCreate ? KeyEncryptionKeyFile.ReadOrCreate(file) : (KeyEncryptionKeyFile.Read(file), false);
        }
        try
        {
            return await VaultKeyEncryptionKey.ReadOrCreateAsync(vault, options.Value.VaultPath, allowCreate, cancellationToken);
        }
        catch (VaultException error)
        {
            throw new KeysAtRestRefused(
                $"Could not read the key-encryption key from {source.Where}: {error.Reason}. Start again when Vault answers, or set DataProtection:KeyEncryptionKeyFile.", error);
        }
    }

    /// <summary>Once per start: which key-encryption key is in use (by fingerprint), and loudly what an operator must do about a new one.</summary>
    private void Announce(Source source, KeyEncryptionKey key, bool created)
    {
        if (created && source.File is not null)
        {
            logger.LogWarning("Created the key-encryption key file {Path} (mode 0600, fingerprint {Fingerprint}): the data-protection keys in the database are encrypted with it. Back it up apart from the database's backups; without it everyone signs in again", source.File, key.Fingerprint);
        }
        else if (created)
        {
            logger.LogWarning("Created the key-encryption key in {Where} (fingerprint {Fingerprint}): the data-protection keys in the database are encrypted with it", source.Where, key.Fingerprint);
        }
        else if (source.File is { } file && OwnerOnlyFile.IsOpenToOthers(file))
        {
            logger.LogWarning("The key-encryption key file {Path} can be read by other accounts of this host: chmod 600 it", file);
        }
        if (source.SharedByHand)
        {
            logger.LogWarning("The key-encryption key is the file {Path} in this node's own folder, but this database may be shared: every other node on it needs the same file. Copy it to each node and point DataProtection:KeyEncryptionKeyFile at it (or use Vault); a node with another key is refused at start", source.File);
        }
        logger.LogInformation("Data-protection keys are encrypted at rest with key-encryption key {Fingerprint} from {Where}", key.Fingerprint, source.Where);
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>This node cannot (or must not) open the stored key ring; the message says why and what to do. Stops the start.</summary>
public sealed class KeysAtRestRefused(string message, Exception? inner = null) : InvalidOperationException(message, inner);
