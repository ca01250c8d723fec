using System.Buffers;
using System.Text.Json;
using FedN.Contracts;
using FedN.Contracts.Messaging;
using FedN.Core;

namespace FedN.Channel.Local;

/// <summary>The frames the hub sends, in the shapes of the Web PubSub JSON subprotocol.</summary>
internal static class HubFrames
{
    public static byte[] Connected(string userId, string connectionId) => Write(writer =>
    {
        writer.WriteString("type", "system");
        writer.WriteString("event", "connected");
        writer.WriteString("userId", userId);
        writer.WriteString("connectionId", connectionId);
    });

    public static byte[] Disconnected(string message) => Write(writer =>
    {
        writer.WriteString("type", "system");
        writer.WriteString("event", "disconnected");
        writer.WriteString("message", message);
    });

    public static byte[] Ack(ulong ackId) => Write(writer =>
    {
        writer.WriteString("type", "ack");
        writer.WriteNumber("ackId", ackId);
        writer.WriteBoolean("success", true);
    });

    public static byte[] AckError(ulong ackId, string name, string message) => Write(writer =>
    {
        writer.WriteString("type", "ack");
        writer.WriteNumber("ackId", ackId);
        writer.WriteBoolean("success", false);
        writer.WriteStartObject("error");
        writer.WriteString("name", name);
        writer.WriteString("message", message);
        writer.WriteEndObject();
    });

    public static byte[] FromServer(ServerMessage message) => Write(writer =>
    {
        writer.WriteString("type", "message");
        writer.WriteString("from", "server");
        writer.WriteString("dataType", "json");
        writer.WritePropertyName("data");
        JsonSerializer.Serialize(writer, message, FedNJson.Options);
    });

    public static byte[] FromGroup(string group, string fromUserId, string dataType, JsonElement data) => Write(writer =>
    {
        writer.WriteString("type", "message");
        writer.WriteString("from", "group");
        writer.WriteString("group", group);
        writer.WriteString("fromUserId", fromUserId);
        writer.WriteString("dataType", dataType);
        writer.WritePropertyName("data");
        data.WriteTo(writer);
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
