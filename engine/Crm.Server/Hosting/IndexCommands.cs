using Crm.Modules.Documents;

namespace Crm.Server.Hosting;

/// <summary><c>index rebuild</c>: rebuilds this node's search index from the database and the object store, with a progress bar.</summary>
public static class IndexCommands
{
    public static async Task<int> RebuildAsync(IServiceProvider services)
    {
        var indexer = services.GetRequiredService<SearchIndexer>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        Console.WriteLine("Rebuilding the search index...");
        var count = await indexer.RebuildAsync(new ConsoleBar(), CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine($"Indexed {count} documents in {started.Elapsed.TotalSeconds:F1} s.");
        return 0;
    }

    private sealed class ConsoleBar : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value)
        {
            const int width = 40;
            var share = value.Total == 0 ? 1 : value.Done / (double)value.Total;
            var filled = (int)Math.Round(share * width);
            Console.Write(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\r  [{new string('#', filled)}{new string('.', width - filled)}] {share * 100,3:F0}%  {value.Done}/{value.Total}"));
        }
    }
}
