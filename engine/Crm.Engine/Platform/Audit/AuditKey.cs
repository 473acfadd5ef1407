using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Crm.Platform.Audit;

/// <summary>
/// The key that makes audit hashes keyed (HMAC-SHA256) and signs checkpoints. It is kept outside the database:
/// <c>Crm:Audit:Key</c> (base64, at least 32 bytes; the same on every node), else a file created once in
/// <c>&lt;DataPath&gt;/keys/audit-hmac.key</c>. Whoever can only write the database cannot forge a row or a checkpoint.
/// </summary>
public sealed class AuditKey
{
    private readonly byte[] _key;

    public AuditKey(IConfiguration configuration)
    {
        if (configuration["Crm:Audit:Key"] is { Length: > 0 } configured)
        {
            _key = Convert.FromBase64String(configured);
            if (_key.Length < 32)
            {
                throw new InvalidOperationException("Crm:Audit:Key must be at least 32 bytes (base64).");
            }

            return;
        }

        var folder = Path.Combine(Path.GetFullPath(configuration["Crm:DataPath"] ?? "data"), "keys");
        var file = Path.Combine(folder, "audit-hmac.key");
        Directory.CreateDirectory(folder);
        if (!File.Exists(file))
        {
            try
            {
                using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                stream.Write(RandomNumberGenerator.GetBytes(32));
            }
            catch (IOException) when (File.Exists(file))
            {
                // another process of this node created it first
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        _key = File.ReadAllBytes(file);
    }

    /// <summary>Names this installation's checkpoints (a bucket may be shared by several installations).</summary>
    public string Id => Sign("audit-checkpoints")[..16];

    public string Sign(string content) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, System.Text.Encoding.UTF8.GetBytes(content)));
}
