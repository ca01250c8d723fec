using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FedN.Contracts;
using FedN.Contracts.Api;
using FedN.Contracts.Federation;

namespace FedN.Client;

/// <summary>
/// Calls FedN's control-plane API (<c>/api/v1</c>) with a bearer token: an admin token for everything
/// but <see cref="ConnectAsync"/>, which takes the client's own token. Refusals throw
/// <see cref="FedNApiException"/> with the server's explanation.
/// </summary>
public sealed class FedNApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates a client for the server at <paramref name="serverUri"/>.</summary>
    /// <param name="serverUri">The server, for example <c>http://127.0.0.1:7071</c>.</param>
    /// <param name="token">The bearer token.</param>
    /// <param name="httpClient">An HTTP client to use (not disposed); one is made when null.</param>
    public FedNApiClient(Uri serverUri, string token, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(serverUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        ServerUri = serverUri;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        Token = token;
    }

    /// <summary>The server.</summary>
    public Uri ServerUri { get; }

    private string Token { get; }

    /// <summary>Negotiates a WebSocket connection for the token's client (<c>POST /api/v1/clients/connect</c>).</summary>
    public Task<NegotiateResponse> ConnectAsync(CancellationToken cancellationToken = default) =>
        SendAsync<NegotiateResponse>(HttpMethod.Post, "clients/connect", null, cancellationToken);

    /// <summary>Uploads a safetensors model to the trail; the server checks it first.</summary>
    /// <param name="content">The model file's bytes.</param>
    /// <param name="id">The model id; the server makes one up when null.</param>
    /// <param name="description">A note kept with the model.</param>
    /// <param name="progress">Bytes sent so far.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    public Task<ModelRecord> UploadModelAsync(Stream content, string? id = null, string? description = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var query = Query(("id", id), ("description", description));
        var body = new ProgressStreamContent(content, progress);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return SendAsync<ModelRecord>(HttpMethod.Post, $"models{query}", body, cancellationToken);
    }

    /// <summary>Writes model <paramref name="id"/>'s safetensors file to <paramref name="destination"/>.</summary>
    public async Task DownloadModelAsync(string id, Stream destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var response = await SendRawAsync(HttpMethod.Get, $"models/{Uri.EscapeDataString(id)}/content", null, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
        await Transfers.CopyAsync(source, destination, progress, cancellationToken);
    }

    /// <summary>One page of models, oldest first unless <paramref name="newestFirst"/>.</summary>
    public Task<Page<ModelRecord>> ListModelsAsync(string? sessionId = null, bool newestFirst = false, int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<ModelRecord>>(HttpMethod.Get, $"models{Query(("sessionId", sessionId), ("newestFirst", newestFirst ? true : null), ("pageSize", pageSize), ("continuationToken", continuationToken))}", null, cancellationToken);

    /// <summary>The model and its ancestors, newest first.</summary>
    public Task<IReadOnlyList<ModelRecord>> GetModelTrailAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<ModelRecord>>(HttpMethod.Get, $"models/{Uri.EscapeDataString(id)}/trail", null, cancellationToken);

    /// <summary>Uploads a compute package (the archive <c>fedn package create</c> writes); the server checks it whole. Uploading one that is there already returns it.</summary>
    public Task<PackageRecord> UploadPackageAsync(Stream archive, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var body = new ProgressStreamContent(archive, progress);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return SendAsync<PackageRecord>(HttpMethod.Post, "packages", body, cancellationToken);
    }

    /// <summary>One page of compute packages, by id.</summary>
    public Task<Page<PackageRecord>> ListPackagesAsync(int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<PackageRecord>>(HttpMethod.Get, $"packages{Query(("pageSize", pageSize), ("continuationToken", continuationToken))}", null, cancellationToken);

    /// <summary>Compute package <paramref name="id"/>.</summary>
    public Task<PackageRecord> GetPackageAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<PackageRecord>(HttpMethod.Get, $"packages/{Uri.EscapeDataString(id)}", null, cancellationToken);

    /// <summary>Deletes compute package <paramref name="id"/> (refused while a session that has not ended runs it).</summary>
    public Task DeletePackageAsync(string id, CancellationToken cancellationToken = default) => DeleteAsync("packages", id, cancellationToken);

    /// <summary>Creates a session (and starts it when <see cref="CreateSessionRequest.Start"/> is set).</summary>
    public Task<SessionRecord> CreateSessionAsync(CreateSessionRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<SessionRecord>(HttpMethod.Post, "sessions", JsonContent.Create(request, options: FedNJson.Options), cancellationToken);

    /// <summary>One page of sessions, newest first.</summary>
    public Task<Page<SessionRecord>> ListSessionsAsync(SessionStatus? status = null, int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<SessionRecord>>(HttpMethod.Get, $"sessions{Query(("status", status), ("pageSize", pageSize), ("continuationToken", continuationToken))}", null, cancellationToken);

    /// <summary>One session.</summary>
    public Task<SessionRecord> GetSessionAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<SessionRecord>(HttpMethod.Get, $"sessions/{Uri.EscapeDataString(id)}", null, cancellationToken);

    /// <summary>Where a session is.</summary>
    public Task<SessionStatusView> GetSessionStatusAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<SessionStatusView>(HttpMethod.Get, $"sessions/{Uri.EscapeDataString(id)}/status", null, cancellationToken);

    /// <summary>Starts a session.</summary>
    public Task StartSessionAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement?>(HttpMethod.Post, $"sessions/{Uri.EscapeDataString(id)}/start", null, cancellationToken);

    /// <summary>Stops a session.</summary>
    public Task StopSessionAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement?>(HttpMethod.Post, $"sessions/{Uri.EscapeDataString(id)}/stop", null, cancellationToken);

    /// <summary>One page of a session's rounds, first first.</summary>
    public Task<Page<RoundRecord>> ListRoundsAsync(string sessionId, int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<RoundRecord>>(HttpMethod.Get, $"sessions/{Uri.EscapeDataString(sessionId)}/rounds{Query(("pageSize", pageSize), ("continuationToken", continuationToken))}", null, cancellationToken);

    /// <summary>One page of a session's validation results.</summary>
    public Task<Page<ValidationRecord>> ListValidationsAsync(string sessionId, int? round = null, string? clientId = null, int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<ValidationRecord>>(HttpMethod.Get, $"sessions/{Uri.EscapeDataString(sessionId)}/validations{Query(("round", round), ("clientId", clientId), ("pageSize", pageSize), ("continuationToken", continuationToken))}", null, cancellationToken);

    /// <summary>One page of a session's status events (or the federation's, without <paramref name="sessionId"/>), oldest first.</summary>
    public Task<Page<StatusEvent>> ListEventsAsync(string? sessionId = null, int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<StatusEvent>>(HttpMethod.Get, $"events{Query(("sessionId", sessionId), ("pageSize", pageSize), ("continuationToken", continuationToken))}", null, cancellationToken);

    /// <summary>One page of the deployment's server nodes (several <c>fedn server</c> nodes on the Durable Task Framework; none otherwise).</summary>
    public Task<Page<NodeRecord>> ListNodesAsync(int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<NodeRecord>>(HttpMethod.Get, $"nodes{Query(("pageSize", pageSize), ("continuationToken", continuationToken))}", null, cancellationToken);

    /// <summary>One page of clients by id.</summary>
    public Task<Page<ClientRecord>> ListClientsAsync(bool? online = null, int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        SendAsync<Page<ClientRecord>>(HttpMethod.Get, $"clients{Query(("online", online), ("pageSize", pageSize), ("continuationToken", continuationToken))}", null, cancellationToken);

    /// <summary>Mints a token (admin only).</summary>
    public Task<TokenResponse> CreateTokenAsync(CreateTokenRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "tokens", JsonContent.Create(request, options: FedNJson.Options), cancellationToken);

    /// <summary>Revokes token <paramref name="tokenId"/> (its id, as <see cref="CreateTokenAsync"/> and <c>fedn token create</c> give it): the API and the hub refuse it from then on.</summary>
    public async Task RevokeTokenAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenId);
        using var response = await SendRawAsync(HttpMethod.Post, $"tokens/{Uri.EscapeDataString(tokenId)}/revoke", null, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>Deletes session <paramref name="id"/> (ended, or never started) with its rounds, validations, events and working files; its models stay on the trail.</summary>
    public Task DeleteSessionAsync(string id, CancellationToken cancellationToken = default) => DeleteAsync("sessions", id, cancellationToken);

    /// <summary>Deletes model <paramref name="id"/> and its file; refused while a session that has not ended uses it or another model descends from it.</summary>
    public Task DeleteModelAsync(string id, CancellationToken cancellationToken = default) => DeleteAsync("models", id, cancellationToken);

    /// <summary>Deletes client <paramref name="id"/>'s record; refused while it is connected or a session that has not ended names it.</summary>
    public Task DeleteClientAsync(string id, CancellationToken cancellationToken = default) => DeleteAsync("clients", id, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task DeleteAsync(string collection, string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        using var response = await SendRawAsync(HttpMethod.Delete, $"{collection}/{Uri.EscapeDataString(id)}", null, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, content, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
        {
            return default!;
        }

        return (await response.Content.ReadFromJsonAsync<T>(FedNJson.Options, cancellationToken))!;
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(ServerUri, $"/api/v1/{path}")) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException error)
        {
            throw new FedNApiException(0, "Server unreachable", $"cannot reach the FedN server at {ServerUri}: {error.Message}");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ProblemAsync(response, cancellationToken);
        }
    }

    private static async Task<FedNApiException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(text);
            var root = problem.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return new FedNApiException(response.StatusCode, title ?? response.ReasonPhrase ?? "Error", detail ?? title ?? text);
        }
        catch (JsonException)
        {
            return new FedNApiException(response.StatusCode, response.ReasonPhrase ?? "Error", text.Length > 0 ? text.Trim() : $"HTTP {(int)response.StatusCode}");
        }
    }

    /// <summary>A query string of the parameters that have values, written as the API reads them: invariant numbers, lower-case Booleans, enums as FedN's JSON names them.</summary>
    private static string Query(params (string Name, object? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(Text(p.Value!))}").ToArray();
        return present.Length == 0 ? "" : "?" + string.Join('&', present);
    }

    private static string Text(object value) => value switch
    {
        bool flag => flag ? "true" : "false",
        Enum => JsonSerializer.SerializeToElement(value, value.GetType(), FedNJson.Options).GetString()!,
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}
