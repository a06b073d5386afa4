using System.Xml;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;

namespace BlazorAwsConsole.Infrastructure.KeysAtRest;

/// <summary>
/// What the DataProtectionKeys table holds, read before ASP.NET Core loads it: the key-encryption keys its keys were
/// encrypted with (by fingerprint), the rows of keys stored in the clear by earlier versions, and keys encrypted by
/// anything else. ASP.NET Core itself would only log a key it cannot decrypt and make a new one, encrypted with this
/// node's key-encryption key, which the other nodes could then not read.
/// </summary>
internal sealed record StoredKeyRing(IReadOnlySet<string> Fingerprints, IReadOnlyList<int> PlaintextRows, IReadOnlySet<string> OtherDecryptors)
{
    private static readonly string OurDecryptor = typeof(KeyEncryptionKeyXmlDecryptor).FullName + ",";

    public static async Task<StoredKeyRing> ReadAsync(ConsoleDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.DataProtectionKeys.AsNoTracking().Select(k => new { k.Id, k.Xml }).ToListAsync(cancellationToken);
        var fingerprints = new HashSet<string>();
        var plaintext = new List<int>();
        var others = new HashSet<string>();
        foreach (var row in rows)
        {
            XElement element;
            try
            {
                element = XElement.Parse(row.Xml ?? "");
            }
            catch (XmlException)
            {
                continue; // Not a key at all; ASP.NET Core skips it the same way.
            }
            if (element.Name.LocalName != "key") continue; // revocations carry no secret
            // ASP.NET Core writes encryptedSecret in its own XML namespace; matched by local name, as that may change.
            var secrets = element.Descendants().Where(e => e.Name.LocalName == "encryptedSecret").ToList();
            if (secrets.Count == 0) plaintext.Add(row.Id);
            foreach (var secret in secrets)
            {
                var decryptor = (string?)secret.Attribute("decryptorType") ?? "";
                if (!decryptor.StartsWith(OurDecryptor, StringComparison.Ordinal)) others.Add(decryptor);
                else if (secret.Element(KeyEncryptionKeyXml.Element)?.Attribute(KeyEncryptionKeyXml.KekAttribute)?.Value is { } fingerprint) fingerprints.Add(fingerprint);
            }
        }
        return new StoredKeyRing(fingerprints, plaintext, others);
    }

    /// <summary>
    /// Deletes the keys stored in the clear. On SQLite with secure_delete, so their pages are overwritten with zeros
    /// (and checkpointed out of a write-ahead log) rather than left in the file's free space.
    /// </summary>
    public async Task<int> DeletePlaintextAsync(ConsoleDbContext db, CancellationToken cancellationToken)
    {
        var ids = PlaintextRows.ToList();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = ON", cancellationToken);
            var deleted = await db.DataProtectionKeys.Where(k => ids.Contains(k.Id)).ExecuteDeleteAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = OFF", cancellationToken);
            }
            return deleted;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
