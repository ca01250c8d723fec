using FedN.Storage;

namespace FedN.Storage.Tests;

public sealed class QueueNameTests
{
    [Theory]
    [InlineData("s1", 1, 0)]
    [InlineData("Session.With_Odd:Chars-and-a-very-long-name-that-no-queue-could-hold-as-it-is-0123456789", 100_000, 255)]
    public void Shard_queue_names_are_valid_for_every_store_and_stable(string sessionId, int round, int shard)
    {
        var name = QueueName.ForShard(sessionId, round, shard);
        Assert.Equal(name, QueueName.Validate(name));
        Assert.Equal(name, QueueName.ForShard(sessionId, round, shard));
        Assert.NotEqual(name, QueueName.ForShard(sessionId, round, shard + 1));
        Assert.NotEqual(name, QueueName.ForShard(sessionId + "x", round, shard));
        Assert.NotEqual(name, QueueName.ForShard(sessionId, round, shard, attempt: 2));
    }

    [Theory]
    [InlineData("ab", "3 to 63")]
    [InlineData("Upper", "lower-case")]
    [InlineData("-start", "hyphens")]
    [InlineData("double--hyphen", "hyphens")]
    public void Invalid_names_are_refused_with_the_rule_they_break(string name, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => QueueName.Validate(name));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
