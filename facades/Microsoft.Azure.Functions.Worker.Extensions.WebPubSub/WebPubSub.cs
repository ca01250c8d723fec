using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

/// <summary>Facade: a function triggered by a Web PubSub event.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class WebPubSubTriggerAttribute : TriggerBindingAttribute
{
    public WebPubSubTriggerAttribute(string hub, WebPubSubEventType eventType, string eventName) => throw FacadeException.Create();

    public string Hub => throw FacadeException.Create();

    public string EventName => throw FacadeException.Create();

    public WebPubSubEventType EventType => throw FacadeException.Create();
}

/// <summary>Facade.</summary>
public enum WebPubSubEventType
{
    System,
    User,
}

/// <summary>Facade.</summary>
public enum WebPubSubDataType
{
    Binary,
    Json,
    Text,
}

/// <summary>Facade.</summary>
public enum WebPubSubErrorCode
{
    Unauthorized,
    UserError,
    ServerError,
}

/// <summary>Facade: the connection an event came from.</summary>
public sealed class WebPubSubConnectionContext
{
    public WebPubSubEventType EventType { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }

    public string EventName { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }

    public string Hub { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }

    public string ConnectionId { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }

    public string UserId { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }
}

/// <summary>Facade: base of event requests.</summary>
public abstract class WebPubSubEventRequest
{
    public WebPubSubConnectionContext ConnectionContext { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }
}

/// <summary>Facade: the blocking <c>connect</c> system event.</summary>
public sealed class ConnectEventRequest : WebPubSubEventRequest
{
    public IReadOnlyDictionary<string, string[]> Claims { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }

    public IReadOnlyDictionary<string, string[]> Query { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }

    public IReadOnlyList<string> Subprotocols { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }
}

/// <summary>Facade: the <c>connected</c> system event.</summary>
public sealed class ConnectedEventRequest : WebPubSubEventRequest
{
}

/// <summary>Facade: the <c>disconnected</c> system event.</summary>
public sealed class DisconnectedEventRequest : WebPubSubEventRequest
{
    public string Reason { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }
}

/// <summary>Facade: a user event.</summary>
public sealed class UserEventRequest : WebPubSubEventRequest
{
    public BinaryData Data { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }

    public WebPubSubDataType DataType { get => throw FacadeException.Create(); set => throw FacadeException.Create(); }
}

/// <summary>Facade: base of event responses.</summary>
public abstract class WebPubSubEventResponse
{
}

/// <summary>Facade: accepts a connection.</summary>
public class ConnectEventResponse : WebPubSubEventResponse
{
    public ConnectEventResponse(string userId, IEnumerable<string> groups, string subprotocol, IEnumerable<string> roles) => throw FacadeException.Create();
}

/// <summary>Facade: answers a user event on the caller's connection.</summary>
public class UserEventResponse : WebPubSubEventResponse
{
    public UserEventResponse() => throw FacadeException.Create();

    public UserEventResponse(BinaryData data, WebPubSubDataType dataType) => throw FacadeException.Create();
}

/// <summary>Facade: refuses a connect or user event.</summary>
public class EventErrorResponse : WebPubSubEventResponse
{
    public EventErrorResponse(WebPubSubErrorCode code, string? message = null) => throw FacadeException.Create();
}

internal static class FacadeException
{
    public static NotSupportedException Create() => new("Functions Web PubSub extension facade: compile-only, never executed");
}
