namespace FedN.Server;

/// <summary>The server's data directory: models, updates, the database and the signing keys.</summary>
internal static class DataDirectory
{
    /// <summary>Creates <paramref name="path"/> if needed and makes it readable by its owner only (0700): what is inside is the federation's secrets and its participants' updates.</summary>
    public static void CreatePrivate(string path)
    {
        var directory = Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }
    }
}
