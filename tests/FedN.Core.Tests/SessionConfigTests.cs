using FedN.Contracts;
using FedN.Contracts.Federation;
using FedN.Core.Aggregation;

namespace FedN.Core.Tests;

public sealed class SessionConfigTests
{
    [Fact]
    public void The_defaults_are_a_valid_configuration() => Aggregators.CheckSession(new SessionConfig());

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
        { new SessionConfig { Hyperparameters = new() { Momentum = 0.5 } }, "fedavg does not take momentum; its hyperparameters are serverLearningRate" },
        { new SessionConfig { Aggregator = "fedadagrad", Hyperparameters = new() { Beta2 = 0.9 } }, "fedadagrad does not take beta2" },
    };

    [Theory]
    [MemberData(nameof(BrokenConfigurations))]
    public void A_setting_out_of_range_is_named_in_the_error(SessionConfig config, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Aggregators.CheckSession(config));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MistypedFiles => new()
    {
        { """{"rounds":2,"aggregatr":"fedadam"}""", "unknown setting 'aggregatr' (did you mean 'aggregator'?); the settings are: rounds, roundTimeout, minClients" },
        { """{"roundz":3}""", "unknown setting 'roundz' (did you mean 'rounds'?)" },
        { """{"hyperparameters":{"learningRate":0.1}}""", "unknown setting 'hyperparameters.learningRate'; 'hyperparameters' takes: serverLearningRate, server_lr, momentum" },
        { """{"rounds":"three"}""", "'rounds' must be a whole number" },
        { """{"roundTimeout":30}""", "'roundTimeout' must be a duration such as \"00:10:00\"" },
        { """{"updateNormAction":"drop"}""", "'updateNormAction' must be one of clip, reject" },
        { """{"validate":"yes"}""", "'validate' must be true or false" },
        { """{"rounds":2,""", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(MistypedFiles))]
    public void A_mistyped_configuration_is_refused_naming_the_key_and_what_it_takes(string json, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => JsonInput.Read<SessionConfig>(json, "config.json"));
        Assert.StartsWith("config.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fedns_name_server_lr_sets_the_server_learning_rate()
    {
        var config = JsonInput.Read<SessionConfig>("""{"aggregator":"fedadam","hyperparameters":{"server_lr":0.05,"beta1":0.8}}""", "config.json");
        Aggregators.CheckSession(config);
        Assert.Equal(0.05, config.Hyperparameters.ServerLearningRate);
        Assert.Equal(0.8, config.Hyperparameters.Beta1);
        Assert.DoesNotContain("server_lr", System.Text.Json.JsonSerializer.Serialize(config, FedNJson.Options), StringComparison.Ordinal);
    }
}
