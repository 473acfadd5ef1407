using System.Buffers.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Crm.Modules.Marketing.Mailings;

/// <summary>
/// The signed links a mailing carries: unsubscribe, and (with tracking on) the open pixel and each link's click.
/// A link names a recipient (and a link's index) under the data-protection keys: it cannot be forged or pointed
/// elsewhere, and needs no sign-in. Nodes must share the keys (<c>Crm:DataProtection:KeysPath</c>).
/// </summary>
public sealed class MailingLinks(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Crm.Marketing.MailingLinks.v1");

    public string Token(Guid recipientId, char kind, int index = 0)
    {
        var payload = new byte[21];
        recipientId.TryWriteBytes(payload);
        payload[16] = (byte)kind;
        BitConverter.TryWriteBytes(payload.AsSpan(17), index);
        return Base64Url.EncodeToString(_protector.Protect(payload));
    }

    /// <summary>The recipient and index of a token of <paramref name="kind"/>; null when it was altered or is not one.</summary>
    public (Guid RecipientId, int Index)? Read(string? token, char kind)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 400)
        {
            return null;
        }

        try
        {
            var payload = _protector.Unprotect(Base64Url.DecodeFromChars(token));
            return payload.Length == 21 && payload[16] == (byte)kind ? (new Guid(payload.AsSpan(0, 16)), BitConverter.ToInt32(payload, 17)) : null;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return null;
        }
    }

    public const char Unsubscribe = 'u', Open = 'o', Click = 'c';
}
