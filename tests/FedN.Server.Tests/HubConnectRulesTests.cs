using FedN.Channel;

namespace FedN.Server.Tests;

/// <summary>The connect rules the Azure connect trigger applies (the local hub's own checks are in <see cref="HubConformanceTests"/>).</summary>
public sealed class HubConnectRulesTests
{
    [Fact]
    public void A_client_with_a_user_id_and_the_json_subprotocol_may_connect() =>
        Assert.Null(HubConnectRules.Refusal("c1", ["json.reliable.webpubsub.azure.v1", "json.webpubsub.azure.v1"]));

    [Theory]
    [InlineData(null, "json.webpubsub.azure.v1", "no user id")]
    [InlineData(" ", "json.webpubsub.azure.v1", "no user id")]
    [InlineData("c1", null, "subprotocol json.webpubsub.azure.v1")]
    [InlineData("c1", "protobuf.webpubsub.azure.v1", "subprotocol json.webpubsub.azure.v1")]
    public void Other_connections_are_refused_with_the_reason(string? userId, string? subprotocol, string reason) =>
        Assert.Contains(reason, HubConnectRules.Refusal(userId, subprotocol is null ? [] : [subprotocol]), StringComparison.Ordinal);
}
