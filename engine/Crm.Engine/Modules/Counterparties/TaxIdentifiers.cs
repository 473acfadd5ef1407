using System.Text.RegularExpressions;

namespace Crm.Modules.Counterparties;

/// <summary>
/// Polish and EU identifiers with their checksums: NIP (tax id), REGON (9 or 14 digits), IBAN (ISO 13616,
/// mod 97 with the length per country) and EU VAT numbers (format per member state; the PL part is a NIP).
/// Each returns null when valid, else a message for the person typing it.
/// </summary>
public static partial class TaxIdentifiers
{
    private static readonly int[] NipWeights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
    private static readonly int[] Regon9Weights = [8, 9, 2, 3, 4, 5, 6, 7];
    private static readonly int[] Regon14Weights = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8];

    /// <summary>Digits only: "PL 123-456-32-18" → "1234563218".</summary>
    public static string Normalize(string? value) => new string((value ?? "").Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();

    public static string? CheckNip(string? value)
    {
        var nip = Normalize(value);
        if (nip.StartsWith("PL", StringComparison.Ordinal))
        {
            nip = nip[2..];
        }

        if (nip.Length != 10 || !nip.All(char.IsAsciiDigit))
        {
            return "A NIP has 10 digits.";
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (nip[i] - '0') * NipWeights[i];
        }

        var check = sum % 11;
        return check == 10 || check != nip[9] - '0' ? "The NIP's check digit is wrong (mistyped?)." : null;
    }

    public static string? CheckRegon(string? value)
    {
        var regon = Normalize(value);
        if (regon.Length is not (9 or 14) || !regon.All(char.IsAsciiDigit))
        {
            return "A REGON has 9 or 14 digits.";
        }

        if (Check(regon[..9], Regon9Weights) is false)
        {
            return "The REGON's check digit is wrong (mistyped?).";
        }

        return regon.Length == 14 && Check(regon, Regon14Weights) is false ? "The 14-digit REGON's check digit is wrong." : null;

        static bool Check(string digits, int[] weights)
        {
            var sum = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                sum += (digits[i] - '0') * weights[i];
            }

            return sum % 11 % 10 == digits[weights.Length] - '0';
        }
    }

    private static readonly Dictionary<string, int> IbanLengths = new(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AT"] = 20, ["BE"] = 16, ["BG"] = 22, ["CH"] = 21, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18, ["EE"] = 20,
        ["ES"] = 24, ["FI"] = 18, ["FR"] = 27, ["GB"] = 22, ["GR"] = 27, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IS"] = 26, ["IT"] = 27,
        ["LI"] = 21, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["MC"] = 27, ["MT"] = 31, ["NL"] = 18, ["NO"] = 15, ["PL"] = 28, ["PT"] = 25,
        ["RO"] = 24, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["UA"] = 29,
    };

    /// <summary>IBAN; a 26-digit Polish account number (NRB) without the country code is read as PL.</summary>
    public static string? CheckIban(string? value)
    {
        var iban = Normalize(value);
        if (iban.Length == 26 && iban.All(char.IsAsciiDigit))
        {
            iban = "PL" + iban;
        }

        if (iban.Length < 15 || !char.IsAsciiLetter(iban[0]) || !char.IsAsciiLetter(iban[1]))
        {
            return "An IBAN starts with the country code, e.g. PL61 1090 1014 0000 0712 1981 2874.";
        }

        if (IbanLengths.TryGetValue(iban[..2], out var length) && iban.Length != length)
        {
            return $"An IBAN from {iban[..2]} has {length} characters.";
        }

        var rearranged = iban[4..] + iban[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var digits = char.IsAsciiDigit(c) ? (c - '0').ToString(System.Globalization.CultureInfo.InvariantCulture) : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var d in digits)
            {
                remainder = ((remainder * 10) + (d - '0')) % 97;
            }
        }

        return remainder == 1 ? null : "The IBAN's check digits are wrong (mistyped?).";
    }

    private static readonly Dictionary<string, Regex> VatFormats = new(StringComparer.Ordinal)
    {
        ["AT"] = AtVat(), ["BE"] = BeVat(), ["BG"] = BgVat(), ["CY"] = CyVat(), ["CZ"] = CzVat(), ["DE"] = DeVat(), ["DK"] = DkVat(), ["EE"] = EeVat(),
        ["EL"] = ElVat(), ["ES"] = EsVat(), ["FI"] = FiVat(), ["FR"] = FrVat(), ["HR"] = HrVat(), ["HU"] = HuVat(), ["IE"] = IeVat(), ["IT"] = ItVat(),
        ["LT"] = LtVat(), ["LU"] = LuVat(), ["LV"] = LvVat(), ["MT"] = MtVat(), ["NL"] = NlVat(), ["PL"] = PlVat(), ["PT"] = PtVat(), ["RO"] = RoVat(),
        ["SE"] = SeVat(), ["SI"] = SiVat(), ["SK"] = SkVat(), ["XI"] = XiVat(),
    };

    /// <summary>An EU VAT number with its VIES prefix (PL, DE, EL for Greece ...), in that country's format.</summary>
    public static string? CheckVatEu(string? value)
    {
        var vat = Normalize(value);
        if (vat.Length < 4 || !VatFormats.TryGetValue(vat[..2], out var format))
        {
            return "Start with the EU country prefix used by VIES (PL, DE, FR, EL for Greece ...).";
        }

        if (!format.IsMatch(vat[2..]))
        {
            return $"This is not the format of a {vat[..2]} VAT number.";
        }

        return vat[..2] == "PL" && CheckNip(vat[2..]) is not null ? "The Polish VAT number is a NIP, and its check digit is wrong." : null;
    }

    [GeneratedRegex("^U\\d{8}$")] private static partial Regex AtVat();
    [GeneratedRegex("^[01]\\d{9}$")] private static partial Regex BeVat();
    [GeneratedRegex("^\\d{9,10}$")] private static partial Regex BgVat();
    [GeneratedRegex("^\\d{8}[A-Z]$")] private static partial Regex CyVat();
    [GeneratedRegex("^\\d{8,10}$")] private static partial Regex CzVat();
    [GeneratedRegex("^\\d{9}$")] private static partial Regex DeVat();
    [GeneratedRegex("^\\d{8}$")] private static partial Regex DkVat();
    [GeneratedRegex("^\\d{9}$")] private static partial Regex EeVat();
    [GeneratedRegex("^\\d{9}$")] private static partial Regex ElVat();
    [GeneratedRegex("^[A-Z0-9]\\d{7}[A-Z0-9]$")] private static partial Regex EsVat();
    [GeneratedRegex("^\\d{8}$")] private static partial Regex FiVat();
    [GeneratedRegex("^[A-Z0-9]{2}\\d{9}$")] private static partial Regex FrVat();
    [GeneratedRegex("^\\d{11}$")] private static partial Regex HrVat();
    [GeneratedRegex("^\\d{8}$")] private static partial Regex HuVat();
    [GeneratedRegex("^\\d[A-Z0-9+*]\\d{5}[A-Z]{1,2}$")] private static partial Regex IeVat();
    [GeneratedRegex("^\\d{11}$")] private static partial Regex ItVat();
    [GeneratedRegex("^(\\d{9}|\\d{12})$")] private static partial Regex LtVat();
    [GeneratedRegex("^\\d{8}$")] private static partial Regex LuVat();
    [GeneratedRegex("^\\d{11}$")] private static partial Regex LvVat();
    [GeneratedRegex("^\\d{8}$")] private static partial Regex MtVat();
    [GeneratedRegex("^\\d{9}B\\d{2}$")] private static partial Regex NlVat();
    [GeneratedRegex("^\\d{10}$")] private static partial Regex PlVat();
    [GeneratedRegex("^\\d{9}$")] private static partial Regex PtVat();
    [GeneratedRegex("^\\d{2,10}$")] private static partial Regex RoVat();
    [GeneratedRegex("^\\d{10}01$")] private static partial Regex SeVat();
    [GeneratedRegex("^\\d{8}$")] private static partial Regex SiVat();
    [GeneratedRegex("^\\d{10}$")] private static partial Regex SkVat();
    [GeneratedRegex("^(\\d{9}|\\d{12}|GD\\d{3}|HA\\d{3})$")] private static partial Regex XiVat();
}
