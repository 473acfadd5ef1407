using System.Diagnostics;
using Lucene.Net.Analysis.Hunspell;

namespace Crm.Storage.Search.Polish;

/// <summary>
/// The Hunspell dictionary of Polish (sjp.pl, Debian's <c>hunspell-pl</c>: pl_PL.aff and pl_PL.dic), loaded once per
/// process when it is installed. Without it the analyzer stems with <see cref="LightPolishStemmer"/> only.
/// See docs/decisions/0010-global-search-and-polish-word-forms.md.
/// </summary>
public sealed class PolishHunspell
{
    public const string DefaultFolder = "/usr/share/hunspell";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, PolishHunspell?> Loaded = new(StringComparer.Ordinal);

    private PolishHunspell(Dictionary dictionary, string folder, TimeSpan loadTime, long bytes)
    {
        Hunspell = dictionary;
        Stems = new HunspellStems(dictionary);
        Folder = folder;
        LoadTime = loadTime;
        ManagedBytes = bytes;
    }

    public Dictionary Hunspell { get; }

    /// <summary>Stems by word, shared by every analyzer that uses this dictionary.</summary>
    public HunspellStems Stems { get; }

    public string Folder { get; }

    /// <summary>How long reading the two files took (a few seconds: it runs once, on first use).</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Growth of the managed heap while loading, a fair measure of what the dictionary keeps.</summary>
    public long ManagedBytes { get; }

    /// <summary>The dictionary in <paramref name="folder"/> (default <see cref="DefaultFolder"/>), or null when it is not there.</summary>
    public static PolishHunspell? Find(string? folder = null)
    {
        folder ??= DefaultFolder;
        lock (Gate)
        {
            if (!Loaded.TryGetValue(folder, out var dictionary))
            {
                dictionary = Load(folder);
                Loaded[folder] = dictionary;
            }

            return dictionary;
        }
    }

    private static PolishHunspell? Load(string folder)
    {
        var affix = Path.Combine(folder, "pl_PL.aff");
        var words = Path.Combine(folder, "pl_PL.dic");
        if (!File.Exists(affix) || !File.Exists(words))
        {
            return null;
        }

        // pl_PL.aff is in ISO-8859-2, a code page .NET knows only through this provider.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        using var affixStream = File.OpenRead(affix);
        using var wordStream = File.OpenRead(words);
        var dictionary = new Dictionary(affixStream, wordStream);
        clock.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        return new PolishHunspell(dictionary, folder, clock.Elapsed, Math.Max(0, after - before));
    }
}
