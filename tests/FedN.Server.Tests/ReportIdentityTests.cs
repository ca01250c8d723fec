using FedN.Contracts.Federation;
using FedN.Testing;
using static FedN.Server.Tests.TaskAnswers;

namespace FedN.Server.Tests;

/// <summary>A client speaks only for itself: the hub takes the client id from its token, never from a report.</summary>
public sealed class ReportIdentityTests
{
    [Fact]
    public async Task A_report_copied_from_another_clients_task_is_refused_and_a_repeated_report_counts_once()
    {
        await using var server = await RunningServer.StartAsync();
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        await SessionSetup.StartAsync(server, new SessionConfig { Rounds = 1, RoundTimeout = TimeSpan.FromSeconds(20), MinClients = 1, QuorumGrace = TimeSpan.FromSeconds(1), Validate = false });
        var task = await SessionSetup.NextTaskAsync(site);
        await using var intruder = await RawHubClient.ConnectedAsync(server, "intruder");

        // The intruder knows the site's task and reports an update for it as if it were the site: the
        // round did not ask it, so it is refused before it is counted or queued.
        AssertRefused(await SendAsync(intruder, Update(task, ackId: 1, examples: 1_000_000), 1), "client 'intruder' was not asked to train");
        await UploadAsync(task, await ModelAsync(task));
        AssertAccepted(await SendAsync(site, Update(task, ackId: 1, examples: 10), 1));

        // The site's update closed the round, but the receipt was lost with the site's connection. It
        // reports again on a new one, after the round has ended: answered as the first time.
        await EndedRoundAsync(server, 1);
        await using var again = await RawHubClient.ConnectedAsync(server, "site");
        AssertAccepted(await SendAsync(again, Update(task, ackId: 1, examples: 10), 1));

        var round = (await server.Metadata.Rounds.GetAsync("s", 1))!.Value;
        Assert.Equal(RoundStatus.Committed, round.Status);
        Assert.Equal(1, round.UpdatesAggregated);
        Assert.Equal(0, round.UpdatesRejected);
        Assert.Equal(1, round.UpdatesReceived);
    }
}
