namespace Crm.Tests;

/// <summary>The files of tests/corpus (see its SOURCES.md), found from any test's build output.</summary>
public static class TestCorpus
{
    public static string Folder { get; } = Find();

    public static string PathOf(string file) => Path.Combine(Folder, file);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Crm.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "corpus");
            }
        }

        throw new DirectoryNotFoundException("tests/corpus not found above " + AppContext.BaseDirectory);
    }
}
