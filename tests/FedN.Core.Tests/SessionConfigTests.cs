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
        { new SessionConfig { Aggregator = "medoid" }, "unknown aggregator 'medoid'; choose one of fedavg, fedavgm, fedadam, fedyogi, fedadagrad, median, trimmed-mean, krum, multi-krum, dp-fedavg" },
        { new SessionConfig { Aggregator = "fedadam", Hyperparameters = AggregatorHyperparameters.Of(("learningRate", 0.1)) }, "fedadam does not take learningRate; its hyperparameters are serverLearningRate, beta1, beta2, tau" },
        { new SessionConfig { Aggregator = "fedadam", Hyperparameters = AggregatorHyperparameters.Of(("beta1", 1.0)) }, "fedadam: beta1 1 must be in [0, 1)" },
        { new SessionConfig { Aggregator = "median", Hyperparameters = AggregatorHyperparameters.Of(("beta", 0.1)) }, "median does not take beta; it takes none" },
        { new SessionConfig { Aggregator = "trimmed-mean", Hyperparameters = AggregatorHyperparameters.Of(("beta", 0.5)) }, "trimmed-mean: beta 0.5 must be in [0, 0.5)" },
        { new SessionConfig { Aggregator = "krum", MinClients = 4, Hyperparameters = AggregatorHyperparameters.Of(("byzantine", 1)) }, "krum with byzantine=1 needs at least 5 updates a round; set minimum clients to 5 or more (it is 4)" },
        { new SessionConfig { Aggregator = "multi-krum", MinClients = 9, Hyperparameters = AggregatorHyperparameters.Of(("byzantine", 1.5)) }, "multi-krum: byzantine 1.5 must be integer in [0, 1000]" },
        { new SessionConfig { Aggregator = "dp-fedavg", Hyperparameters = AggregatorHyperparameters.Of(("clipNorm", 1)) }, "dp-fedavg needs noiseMultiplier" },
        { new SessionConfig { Hyperparameters = AggregatorHyperparameters.Of(("momentum", 0.5)) }, "fedavg does not take momentum; its hyperparameters are serverLearningRate" },
        { new SessionConfig { Aggregator = "fedadagrad", Hyperparameters = AggregatorHyperparameters.Of(("beta2", 0.9)) }, "fedadagrad does not take beta2" },
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
        { """{"hyperparameters":{"beta1":"high"}}""", "'hyperparameters' must be an object of named numbers such as {\"serverLearningRate\": 0.1}" },
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
        Assert.Equal(0.05, config.Hyperparameters.Get("serverLearningRate"));
        Assert.Equal(0.8, config.Hyperparameters.Get("beta1"));
        Assert.DoesNotContain("server_lr", System.Text.Json.JsonSerializer.Serialize(config, FedNJson.Options), StringComparison.Ordinal);
    }
}
