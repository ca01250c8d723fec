using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using FedN.Testing;
using Microsoft.Extensions.Configuration;

namespace FedN.Server.Tests;

/// <summary>The local server speaks HTTPS with a certificate from configuration.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fedn-tls-").FullName;

    [Fact]
    public async Task With_a_pem_certificate_the_server_serves_https_and_hands_out_wss_urls()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var (certificatePath, keyPath) = (Path.Combine(_directory, "server.crt"), Path.Combine(_directory, "server.key"));
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());

        var address = new UriBuilder(LocalServerOptions.FreeLoopbackUri()) { Scheme = "https" }.Uri;
        await using var server = await RunningServer.StartAsync(listenUri: address, configuration: new Dictionary<string, string?>
        {
            ["FedN:Tls:CertificatePath"] = certificatePath,
            ["FedN:Tls:KeyPath"] = keyPath,
        });
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = address };
        Assert.Equal("ok", await http.GetStringAsync("/healthz"));
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/api/v1/clients/connect");
        negotiate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.ClientToken("site"));
        using var response = await http.SendAsync(negotiate);
        Assert.Equal("wss", new Uri((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!).Scheme);
    }

    [Fact]
    public void Https_without_a_certificate_or_a_certificate_without_https_is_refused_with_the_fix()
    {
        var none = new ConfigurationBuilder().Build();
        var error = Assert.Throws<ArgumentException>(() => TlsSettings.LoadCertificate(none, new Uri("https://127.0.0.1:7443/")));
        Assert.Contains("set FedN:Tls:CertificatePath", error.Message, StringComparison.Ordinal);

        var pem = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["FedN:Tls:CertificatePath"] = "x.crt" }).Build();
        error = Assert.Throws<ArgumentException>(() => TlsSettings.LoadCertificate(pem, new Uri("http://127.0.0.1:7071/")));
        Assert.Contains("listen on https://", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => TlsSettings.LoadCertificate(pem, new Uri("https://127.0.0.1:7443/")));
        Assert.Contains("set FedN:Tls:KeyPath", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
