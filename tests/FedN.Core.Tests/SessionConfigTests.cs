using FedN.Core.Federation;

namespace FedN.Core.Tests;

public sealed class SessionConfigTests
{
    [Fact]
    public void The_defaults_are_a_valid_configuration() => new SessionConfig().Check();

    public static TheoryData<SessionConfig, string> BrokenConfigurations => new()
    {
        { new SessionConfig { Rounds = 0 }, "rounds 0" },
        { new SessionConfig { RoundTimeout = TimeSpan.FromMilliseconds(10) }, "round timeout" },
        { new SessionConfig { MinClients = 0 }, "minimum clients 0" },
        { new SessionConfig { MinClients = 5, ClientsPerRound = 3 }, "clients per round 3" },
        { new SessionConfig { Shards = 0 }, "shards 0" },
        { new SessionConfig { QuorumGrace = TimeSpan.FromSeconds(-1) }, "quorum grace" },
        { new SessionConfig { RoundRetries = -1 }, "round retries -1" },
        { new SessionConfig { MinClients = 3, Clients = ["a", "b"] }, "client list" },
        { new SessionConfig { Clients = ["a", " "] }, "no empty ids" },
        { new SessionConfig { KeepRounds = -1 }, "rounds to keep -1" },
        { new SessionConfig { Aggregator = "median" }, "unknown aggregator 'median'" },
    };

    [Theory]
    [MemberData(nameof(BrokenConfigurations))]
    public void A_setting_out_of_range_is_named_in_the_error(SessionConfig config, string expected)
    {
        var error = Assert.Throws<ArgumentException>(config.Check);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
