using System.Security.Cryptography;
using System.Text;
using FedN.Testing.Shared;

namespace FedN.Security.Tests;

public sealed class AccessTokenTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task Admin_and_client_tokens_carry_their_role_and_client()
    {
        var tokens = new AccessTokens(Key);
        var minted = tokens.Create("admin", null, TimeSpan.FromHours(1));
        Assert.Equal(new AccessTokenIdentity("admin", null, AccessTokens.IdOf(minted)), await tokens.ValidateAsync(minted));
        var client = await tokens.ValidateAsync(tokens.Create("client", "site-1", TimeSpan.FromHours(1)));
        Assert.Equal(("client", "site-1", false), (client.Role, client.ClientId, client.IsAdmin));

        // Every token has its own id, the handle to revoke it by.
        Assert.True(AccessTokens.IsTokenId(client.TokenId));
        Assert.NotEqual(AccessTokens.IdOf(minted), client.TokenId);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var foreign = new AccessTokens(RandomNumberGenerator.GetBytes(32)).Create("admin", null, TimeSpan.FromHours(1));
        var error = await Assert.ThrowsAsync<AccessTokenRejectedException>(() => new AccessTokens(Key).ValidateAsync(foreign));
        Assert.Contains("signature does not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        var tokens = new AccessTokens(Key);
        var parts = tokens.Create("client", "site-1", TimeSpan.FromHours(1)).Split('.');
        // Promote the client to admin in the payload, keeping the signature.
        var payload = Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("\"client\"", "\"admin\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64UrlEncode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        await Assert.ThrowsAsync<AccessTokenRejectedException>(() => tokens.ValidateAsync(forged));
    }

    [Fact]
    public async Task An_expired_token_is_refused_saying_when_it_expired()
    {
        var past = new FixedTime(DateTimeOffset.UtcNow.AddHours(-2));
        var expired = new AccessTokens(Key, past).Create("admin", null, TimeSpan.FromHours(1));
        var error = await Assert.ThrowsAsync<AccessTokenRejectedException>(() => new AccessTokens(Key).ValidateAsync(expired));
        Assert.Contains("expired at", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    public async Task Garbage_is_refused_with_a_reason_and_not_echoed(string token)
    {
        var error = await Assert.ThrowsAsync<AccessTokenRejectedException>(() => new AccessTokens(Key).ValidateAsync(token));
        Assert.DoesNotContain("not-a-jwt", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("client", null, "needs the client's id")]
    [InlineData("client", "../etc", "invalid client id")]
    [InlineData("client", "..", "invalid client id")]
    [InlineData("admin", "site-1", "not for one client")]
    [InlineData("root", null, "unknown role 'root'")]
    public void Tokens_that_would_mean_nothing_are_not_minted(string role, string? clientId, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => new AccessTokens(Key).Create(role, clientId, TimeSpan.FromHours(1)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_signing_key_is_refused() =>
        Assert.Contains("at least 32", Assert.Throws<ArgumentException>(() => new AccessTokens(new byte[16])).Message, StringComparison.Ordinal);

    private static byte[] Base64UrlDecode(string text) => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
