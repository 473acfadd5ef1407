using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Crm.Storage.Objects;

/// <summary>A SHA-256 digest as 64 lower-case hex characters; the only name an object has.</summary>
public readonly record struct ContentHash
{
    public string Value { get; }

    private ContentHash(string value) => Value = value;

    public static ContentHash FromBytes(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32)
        {
            throw new ArgumentException("A SHA-256 digest has 32 bytes.", nameof(digest));
        }

        return new ContentHash(Convert.ToHexStringLower(digest));
    }

    public static ContentHash Parse(string value) =>
        TryParse(value, out var hash) ? hash : throw new FormatException($"'{value}' is not a SHA-256 hex digest.");

    public static bool TryParse([NotNullWhen(true)] string? value, out ContentHash hash)
    {
        hash = default;
        if (value is null || value.Length != 64)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        hash = new ContentHash(value.ToLower(CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>Object key with a two-level fan-out so no folder or listing grows unbounded.</summary>
    public string ToKey() => $"{Value[..2]}/{Value[2..4]}/{Value}";

    public override string ToString() => Value;
}
