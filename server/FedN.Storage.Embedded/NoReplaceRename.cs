using System.Runtime.InteropServices;

namespace FedN.Storage.Embedded;

/// <summary>
/// Moves a file to a name only if that name is free, in one step: Linux's
/// <c>renameat2(RENAME_NOREPLACE)</c>. <see cref="File.Move(string, string, bool)"/> without
/// overwrite checks the name and then renames, which two writers can both pass; this cannot, and it
/// is one system call instead of four.
/// </summary>
internal static class NoReplaceRename
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const uint NoReplace = 1; // RENAME_NOREPLACE
    private const int NoSuchFile = 2; // ENOENT
    private const int Exists = 17; // EEXIST
    private static volatile bool _unsupported = !OperatingSystem.IsLinux();

    /// <summary>The outcome of <see cref="TryMove"/>.</summary>
    public enum Result
    {
        /// <summary>The file now has the new name.</summary>
        Moved,

        /// <summary>Something already has that name; nothing moved.</summary>
        NameTaken,

        /// <summary>The new name's folder does not exist; nothing moved.</summary>
        NoFolder,
    }

    /// <summary>
    /// Renames <paramref name="source"/> to <paramref name="destination"/> unless that name is taken.
    /// Where the system or filesystem cannot do it in one step, it checks the name and then renames.
    /// </summary>
    /// <exception cref="IOException">The rename failed for another reason (permissions, another device).</exception>
    public static Result TryMove(string source, string destination)
    {
        if (_unsupported)
        {
            return CheckThenMove(source, destination);
        }

        try
        {
            if (renameat2(CurrentDirectory, source, CurrentDirectory, destination, NoReplace) == 0)
            {
                return Result.Moved;
            }
        }
        catch (EntryPointNotFoundException)
        {
            // A C library without renameat2 (glibc before 2.28, some others).
            _unsupported = true;
            return CheckThenMove(source, destination);
        }

        var error = Marshal.GetLastPInvokeError();
        switch (error)
        {
            case Exists:
                return Result.NameTaken;
            case NoSuchFile when File.Exists(source):
                return Result.NoFolder;
            case 22 or 38 or 95: // EINVAL, ENOSYS, EOPNOTSUPP: a kernel or filesystem without the flag
                _unsupported = true;
                return CheckThenMove(source, destination);
            default:
                throw new IOException($"could not rename '{source}' to '{destination}': {Marshal.GetPInvokeErrorMessage(error)}", error);
        }
    }

    private static Result CheckThenMove(string source, string destination)
    {
        try
        {
            File.Move(source, destination, overwrite: false);
            return Result.Moved;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return Result.NameTaken;
        }
        catch (IOException) when (!Directory.Exists(Path.GetDirectoryName(destination)))
        {
            return Result.NoFolder;
        }
    }

    // Runtime marshalling (strings as UTF-8 on Unix), so the project needs no unsafe code.
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int renameat2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);
}
