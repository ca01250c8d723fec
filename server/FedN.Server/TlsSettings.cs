using System.Security.Cryptography.X509Certificates;
using FedN.Hosting;
using Microsoft.Extensions.Configuration;

namespace FedN.Server;

/// <summary>
/// HTTPS for the local server (<c>FedN:Tls:*</c>): a certificate as PEM files (<c>CertificatePath</c>
/// and <c>KeyPath</c>) or as a PKCS#12 file (<c>CertificatePath</c> ending in .pfx or .p12, with
/// <c>CertificatePassword</c> if it has one). Without it the server speaks plain HTTP, for a machine
/// of one's own or behind a TLS proxy.
/// </summary>
public static class TlsSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "FedN:Tls";

    /// <summary>The configured certificate, or <see langword="null"/> when none is; checked against the address the server listens on.</summary>
    /// <exception cref="ArgumentException">The certificate cannot be loaded, or HTTPS and the address disagree.</exception>
    public static X509Certificate2? LoadCertificate(IConfiguration configuration, Uri listenUri)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(listenUri);
        var values = new SettingValues(configuration, Section);
        var certificatePath = values["CertificatePath"];
        if (certificatePath is null)
        {
            return listenUri.Scheme == Uri.UriSchemeHttps
                ? throw new ArgumentException($"the server listens on {listenUri}, but no certificate is configured: set {Section}:CertificatePath (and {Section}:KeyPath for PEM)")
                : null;
        }

        if (listenUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"{Section}:CertificatePath is set, but the server listens on {listenUri}: listen on https:// (for example --host 0.0.0.0 --port 7443 with an https public URL)");
        }

        try
        {
            return Path.GetExtension(certificatePath).ToLowerInvariant() is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(certificatePath, values["CertificatePassword"])
                : X509Certificate2.CreateFromPemFile(certificatePath, values["KeyPath"]
                    ?? throw new ArgumentException($"{Section}:CertificatePath '{certificatePath}' is PEM: set {Section}:KeyPath to its private key"));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"the certificate in {Section} cannot be loaded from '{certificatePath}': {e.Message}", e);
        }
    }
}
