using System.Security.Cryptography;

namespace FedN.Core.Packages;

/// <summary>
/// A key that signs compute packages (ECDSA over P-256 with SHA-256), or only verifies them when it
/// holds no private part. Keys are PEM files: the private one stays with whoever publishes
/// packages, the public one goes to the clients that pin it (<c>--trust</c>).
/// </summary>
public sealed class PackageKey : IDisposable
{
    /// <summary>The signature algorithm's name, as packages record it.</summary>
    public const string Algorithm = "ecdsa-p256-sha256";

    private readonly ECDsa _key;

    private PackageKey(ECDsa key, bool hasPrivateKey)
    {
        _key = key;
        HasPrivateKey = hasPrivateKey;
        Id = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    /// <summary>The first 16 hex digits of the SHA-256 of the public key (SubjectPublicKeyInfo): what packages name and people compare.</summary>
    public string Id { get; }

    /// <summary>Whether this key can sign.</summary>
    public bool HasPrivateKey { get; }

    /// <summary>A new key pair.</summary>
    public static PackageKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), hasPrivateKey: true);

    /// <summary>Reads a PEM key: a private key (PKCS#8 or EC) signs and verifies, a public key only verifies.</summary>
    /// <exception cref="PackageException">The text holds no P-256 key.</exception>
    public static PackageKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new PackageException($"not a package key (a PEM ECDSA P-256 key, as 'fedn package keygen' writes): {e.Message}");
        }

        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new PackageException($"package keys are ECDSA P-256; this one has {key.KeySize} bits");
        }

        return new PackageKey(key, pem.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    /// <summary>Reads the PEM key file at <paramref name="path"/>.</summary>
    /// <exception cref="PackageException">The file is missing or holds no key.</exception>
    public static PackageKey FromFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new PackageException($"key file '{path}' does not exist");
        }

        try
        {
            return FromPem(File.ReadAllText(path));
        }
        catch (PackageException e)
        {
            throw new PackageException($"{path}: {e.Message}");
        }
    }

    /// <summary>The public key as PEM.</summary>
    public string ExportPublicPem() => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The private key as PKCS#8 PEM.</summary>
    /// <exception cref="InvalidOperationException">This key has no private part.</exception>
    public string ExportPrivatePem() => HasPrivateKey ? _key.ExportPkcs8PrivateKeyPem() : throw new InvalidOperationException("this key has no private part");

    /// <summary>Signs <paramref name="data"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) =>
        HasPrivateKey ? _key.SignData(Domain(data), HashAlgorithmName.SHA256) : throw new InvalidOperationException($"key {Id} has no private part: sign with the private key file");

    /// <summary>Whether <paramref name="signature"/> is this key's over <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => _key.VerifyData(Domain(data), signature, HashAlgorithmName.SHA256);

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    // A prefix keeps a package signature from being valid as a signature of anything else made with the same key.
    private static byte[] Domain(ReadOnlySpan<byte> data) => [.. "fedn-package-v1\n"u8, .. data];
}

/// <summary>A package's signature: who signed its manifest, with what.</summary>
/// <param name="KeyId">The signing key's <see cref="PackageKey.Id"/>.</param>
/// <param name="Algorithm"><see cref="PackageKey.Algorithm"/>.</param>
/// <param name="Signature">Base64 of the signature over the manifest's bytes.</param>
public sealed record PackageSignature(string KeyId, string Algorithm, string Signature)
{
    /// <summary>The archive entry that holds the signature, right after the manifest.</summary>
    public const string EntryName = "fedn-package.sig";
}
