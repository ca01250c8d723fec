namespace FedN.Security.Tests;

public sealed class SigningKeyTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("fedn-keys-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task The_data_directory_key_is_made_once_readable_only_by_its_owner_and_reused()
    {
        var first = await AuthSigningKey.LoadAsync(null, Path.Combine(_data, "new"));
        var again = await AuthSigningKey.LoadAsync("", Path.Combine(_data, "new"));
        Assert.Equal(32, first.Length);
        Assert.Equal(first, again);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data, "new", AuthSigningKey.FileName)));
        }
    }

    [Fact]
    public async Task A_configured_key_wins_and_a_bad_one_is_refused_with_the_fix()
    {
        var configured = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        Assert.Equal(Convert.FromBase64String(configured), await AuthSigningKey.LoadAsync(configured, _data));
        Assert.False(File.Exists(Path.Combine(_data, AuthSigningKey.FileName)));
        Assert.Contains("openssl rand -base64 32", (await Assert.ThrowsAsync<ArgumentException>(() => AuthSigningKey.LoadAsync("not base64!", _data))).Message, StringComparison.Ordinal);
        Assert.Contains("16 bytes", (await Assert.ThrowsAsync<ArgumentException>(() => AuthSigningKey.LoadAsync(Convert.ToBase64String(new byte[16]), _data))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_file_gone_from_a_directory_that_holds_data_is_not_made_again()
    {
        var data = Directory.CreateDirectory(Path.Combine(_data, "federation")).FullName;
        await File.WriteAllTextAsync(Path.Combine(data, "metadata.db"), "a federation's records");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AuthSigningKey.LoadAsync(null, data));
        Assert.Contains($"holds a federation's data but not its token signing key '{AuthSigningKey.FileName}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand 32 >", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, AuthSigningKey.FileName)));
    }

    [Fact]
    public async Task A_truncated_key_file_is_refused_not_used()
    {
        var path = Path.Combine(_data, "short.key");
        await File.WriteAllBytesAsync(path, new byte[8]);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SecretKeyFile.LoadOrCreateAsync(path));
        Assert.Contains("shorter than 32 bytes", error.Message, StringComparison.Ordinal);
    }
}
