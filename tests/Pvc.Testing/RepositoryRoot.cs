namespace Pvc.Testing;

/// <summary>Finds the repository (the folder with Pvc.slnx) from the test's output folder.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Pvc.slnx")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No Pvc.slnx above {AppContext.BaseDirectory}.");
    });

    /// <summary>The repository's root folder.</summary>
    public static string Path => Root.Value;
}
