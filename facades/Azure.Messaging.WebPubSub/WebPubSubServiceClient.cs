using Azure.Core;

namespace Azure.Messaging.WebPubSub;

/// <summary>Facade: the real client sends over Web PubSub's REST API. Only the members FedN calls.</summary>
public class WebPubSubServiceClient
{
    protected WebPubSubServiceClient() => throw Facade();

    public WebPubSubServiceClient(string connectionString, string hub) => throw Facade();

    public WebPubSubServiceClient(Uri endpoint, string hub, TokenCredential credential) => throw Facade();

    public virtual string Hub => throw Facade();

    public virtual Task<Response> SendToUserAsync(string userId, RequestContent content, ContentType contentType, string? filter = null, RequestContext? context = null) => throw Facade();

    public virtual Task<Response> SendToGroupAsync(string group, RequestContent content, ContentType contentType, IEnumerable<string>? excluded = null, string? filter = null, RequestContext? context = null) => throw Facade();

    public virtual Task<Response> SendToAllAsync(RequestContent content, ContentType contentType, IEnumerable<string>? excluded = null, string? filter = null, RequestContext? context = null) => throw Facade();

    public virtual Task<Response> AddUserToGroupAsync(string group, string userId, RequestContext? context = null) => throw Facade();

    public virtual Task<Response> RemoveUserFromGroupAsync(string group, string userId, RequestContext? context = null) => throw Facade();

    public virtual Task<Response<bool>> UserExistsAsync(string userId, RequestContext? context = null) => throw Facade();

    public virtual Task<Uri> GetClientAccessUriAsync(TimeSpan expiresAfter = default, string? userId = null, IEnumerable<string>? roles = null, IEnumerable<string>? groups = null, WebPubSubClientProtocol clientProtocol = WebPubSubClientProtocol.Default, CancellationToken cancellationToken = default) => throw Facade();

    private static NotSupportedException Facade() => new("Azure.Messaging.WebPubSub facade: compile-only, never executed");
}

/// <summary>Facade of the real enum.</summary>
public enum WebPubSubClientProtocol
{
    Default = 0,
    Mqtt = 1,
    SocketIO = 2,
}
