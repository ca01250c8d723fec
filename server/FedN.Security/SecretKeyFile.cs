using System.Security.Cryptography;

namespace FedN.Security;

/// <summary>
/// A random secret kept in a file (owner read/write only), made once: every process that shares the
/// directory (a restarted server, a standby, the CLI minting tokens) uses the same key. Two processes
/// starting together agree: the file is created only if absent, and the one that loses the race reads
/// the winner's key.
/// </summary>
public static class SecretKeyFile
{
    /// <summary>Shortest key accepted: 256 bits, as HS256 wants.</summary>
    public const int MinimumBytes = 32;

    /// <summary>Reads the key at <paramref name="path"/>, first creating it with 32 random bytes if it does not exist.</summary>
    /// <exception cref="InvalidDataException">The file holds fewer than <see cref="MinimumBytes"/> bytes.</exception>
    public static async Task<byte[]> LoadOrCreateAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temp, RandomNumberGenerator.GetBytes(MinimumBytes), cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }

        var key = await File.ReadAllBytesAsync(path, cancellationToken);
        return key.Length >= MinimumBytes
            ? key
            : throw new InvalidDataException($"the key file '{path}' is shorter than {MinimumBytes} bytes; delete it to have a new one made (what it signed stops being valid)");
    }
}
