namespace FedN.Testing;

/// <summary>Finds the repository root (the directory holding FedN.sln) from the test's directory.</summary>
public static class RepositoryRoot
{
    /// <summary>The directory.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "FedN.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("FedN.sln not found above " + AppContext.BaseDirectory);
    }
}
