using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace FedN.Storage.Embedded;

/// <summary>What a transfer URL allows: read one blob, or create one blob.</summary>
public enum TransferAccess
{
    /// <summary>GET the blob.</summary>
    Read,

    /// <summary>PUT the blob once; never overwrite it.</summary>
    Create,
}

/// <summary>
/// The signed part of a transfer URL: path, access, expiry and (for uploads) the most bytes it
/// takes, HMAC-SHA256-signed with the store's key. It names exactly one blob, so a URL cannot be
/// bent to another path or a larger upload.
/// </summary>
internal sealed record TransferToken(string Path, TransferAccess Access, DateTimeOffset ExpiresOn, long? MaxBytes = null)
{
    public string Sign(byte[] key)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(Path, Access == TransferAccess.Read ? "r" : "c", ExpiresOn.ToUnixTimeSeconds(), MaxBytes));
        var body = WebEncoders.Base64UrlEncode(payload);
        return body + "." + WebEncoders.Base64UrlEncode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(body)));
    }

    /// <summary>Checks signature and expiry; on failure says why, in words fit for an HTTP 403 body.</summary>
    public static TransferToken? Verify(string token, byte[] key, DateTimeOffset now, out string? error)
    {
        error = "the transfer URL's signature is not valid";
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        var body = token[..dot];
        byte[] signature;
        byte[] payloadBytes;
        try
        {
            signature = WebEncoders.Base64UrlDecode(token, dot + 1, token.Length - dot - 1);
            payloadBytes = WebEncoders.Base64UrlDecode(body);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(body))))
        {
            return null;
        }

        var payload = JsonSerializer.Deserialize<Payload>(payloadBytes)!;
        var parsed = new TransferToken(payload.P, payload.A == "r" ? TransferAccess.Read : TransferAccess.Create, DateTimeOffset.FromUnixTimeSeconds(payload.E), payload.M);
        if (parsed.ExpiresOn <= now)
        {
            error = $"the transfer URL expired at {parsed.ExpiresOn:u}; ask the server for a new one";
            return null;
        }

        error = null;
        return parsed;
    }

    private sealed record Payload(string P, string A, long E, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] long? M = null);
}
