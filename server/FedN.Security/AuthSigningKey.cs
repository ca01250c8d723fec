using FedN.Settings;
namespace FedN.Security;

/// <summary>Where the key that signs access tokens comes from: configuration, or a file made once in the data directory.</summary>
public static class AuthSigningKey
{
    /// <summary>The configuration key (environment variable <c>FedN__Auth__SigningKey</c>): the key in base64, at least 32 bytes.</summary>
    public const string ConfigurationKey = AppSettingNames.SigningKey;

    /// <summary>The key file in the data directory, used when the configuration has no key.</summary>
    public const string FileName = "auth-signing.key";

    /// <summary>
    /// The configured key if there is one, else the data directory's key file, created only in a
    /// directory that holds nothing yet: a key made afresh beside existing data would silently void
    /// every token and connection of that federation.
    /// </summary>
    /// <exception cref="ArgumentException">The configured key is not base64 or is shorter than 32 bytes.</exception>
    /// <exception cref="InvalidOperationException">The key file is gone from a data directory that holds a federation's data.</exception>
    public static async Task<byte[]> LoadAsync(string? configured, string dataDirectory, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
            if (!File.Exists(path) && Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
            {
                throw new InvalidOperationException(
                    $"the data directory '{Path.GetFullPath(dataDirectory)}' holds a federation's data but not its token signing key '{FileName}': a new key would invalidate every token issued for it. " +
                    $"Restore the file from a backup, or set {ConfigurationKey}. To start afresh on purpose (every token must then be issued again), create a new key: openssl rand 32 > \"{path}\"");
            }

            return await SecretKeyFile.LoadOrCreateAsync(path, cancellationToken);
        }

        return Parse(configured);
    }

    /// <summary>Decodes a configured key.</summary>
    /// <exception cref="ArgumentException">The key is not base64 or is shorter than 32 bytes.</exception>
    public static byte[] Parse(string configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(configured.Trim());
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{ConfigurationKey} is not base64; generate one with: openssl rand -base64 32");
        }

        return key.Length >= SecretKeyFile.MinimumBytes
            ? key
            : throw new ArgumentException($"{ConfigurationKey} has {key.Length} bytes; it needs at least {SecretKeyFile.MinimumBytes} (openssl rand -base64 32)");
    }
}
