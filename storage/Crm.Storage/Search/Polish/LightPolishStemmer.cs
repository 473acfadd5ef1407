namespace Crm.Storage.Search.Polish;

/// <summary>
/// A small suffix-stripping stemmer for Polish, on words already lower-cased and folded to ASCII ("reklamację" arrives
/// as "reklamacje"). It removes one inflectional ending (case and number of nouns and adjectives) and evens out the
/// commonest consonant change before an ending (faktura/fakturze, woda/wodzie), so the forms of one word meet on one
/// stem: reklamacja, reklamacje, reklamacji, reklamacjami → "reklamacj". It is deliberately light: derivation and
/// verbs are left alone, and a stem keeps at least three letters, so short words and codes are not touched.
/// </summary>
public static class LightPolishStemmer
{
    private const int MinStem = 3;

    // Longest first: "ami" must win over "i".
    private static readonly string[] Endings =
    [
        "iami", "iach", "owie", "owi", "ami", "ach", "ego", "emu", "ych", "ich", "ymi", "imi", "iem", "iom",
        "ie", "em", "om", "ow", "ej", "ym", "im", "ii", "a", "e", "i", "y", "o", "u",
    ];

    /// <summary>The stem of a folded, lower-case word; the word itself when it is short or not a plain word.</summary>
    public static string Stem(string word)
    {
        if (word.Length <= MinStem || !word.All(char.IsAsciiLetterLower))
        {
            return word;
        }

        foreach (var ending in Endings)
        {
            if (word.Length - ending.Length >= MinStem && word.EndsWith(ending, StringComparison.Ordinal))
            {
                return Even(word[..^ending.Length]);
            }
        }

        return Even(word);
    }

    /// <summary>"fakturz" (from fakturze) meets "faktur"; "wodz" (wodzie) meets "wod", and "lodz" (Łódź) "lod" (Łodzi).</summary>
    private static string Even(string stem) =>
        stem.Length > MinStem && (stem.EndsWith("rz", StringComparison.Ordinal) || stem.EndsWith("dz", StringComparison.Ordinal))
            ? stem[..^1]
            : stem;
}
