using System.Text.Json;
using FedN.Contracts.Federation;
using FedN.Storage.Metadata;
using FedN.Testing;
using static FedN.Server.Tests.TaskAnswers;

namespace FedN.Server.Tests;

/// <summary>
/// An authenticated client is still not trusted: what it reports is bounded, it is heard only for the
/// tasks it was given, and no claim or update of its own can fail a round or take over the model.
/// </summary>
public sealed class HostileReportTests
{
    private static readonly SessionConfig OneRound = new() { Rounds = 1, RoundTimeout = TimeSpan.FromSeconds(30), MinClients = 1, QuorumGrace = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task Figures_out_of_bounds_are_refused_with_the_reason_and_the_session_completes()
    {
        await using var server = await RunningServer.StartAsync();
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        await SessionSetup.StartAsync(server, OneRound);
        var task = await SessionSetup.NextTaskAsync(site);

        AssertRefused(await SendAsync(site, Update(task, 1, long.MaxValue), 1), "numExamples 9223372036854775807 must be a whole number of examples between 1 and 1000000000");
        AssertRefused(await SendAsync(site, Update(task, 2, 10, new Dictionary<string, double> { ["loss"] = 1e308 }), 2), "metric 'loss' is 1E+308");
        var many = Enumerable.Range(0, 40).ToDictionary(i => $"m{i}", i => (double)i);
        AssertRefused(await SendAsync(site, Update(task, 3, 10, many), 3), "40 metrics were reported; at most 32");
        AssertRefused(await SendAsync(site, Update(task, 4, 10, new Dictionary<string, double> { [new string('x', 65)] = 1 }), 4), "must be 1 to 64 characters");
        await UploadAsync(task, await TinyModelAsync(1, 1, 1, 1));
        AssertAccepted(await SendAsync(site, Update(task, 5, 10, new Dictionary<string, double> { ["loss"] = 0.5 }), 5));

        var validation = await SessionSetup.NextTaskAsync(site);
        AssertRefused(await SendAsync(site, Validation(validation, 6, long.MaxValue, new Dictionary<string, double> { ["accuracy"] = 0.9 }), 6), "numExamples 9223372036854775807");
        AssertRefused(await SendAsync(site, Validation(validation, 7, 10, new Dictionary<string, double> { ["accuracy"] = 1e308 }), 7), "metric 'accuracy' is 1E+308");
        AssertAccepted(await SendAsync(site, Validation(validation, 8, 10, new Dictionary<string, double> { ["accuracy"] = 0.5 }), 8));

        var round = await EndedRoundAsync(server, 1);
        Assert.Equal(RoundStatus.Committed, round.Status);
        Assert.Equal(0.5, round.TrainingMetrics!["loss"]);
        Assert.Equal(0.5, round.ValidationMetrics!["accuracy"]);
        await Poll.UntilAsync(async () => (await server.Metadata.Sessions.GetAsync("s"))!.Value.Status == SessionStatus.Completed, TimeSpan.FromSeconds(30), "the session to complete");
    }

    [Fact]
    public async Task The_deployment_sets_the_bounds()
    {
        await using var server = await RunningServer.StartAsync(configuration: new Dictionary<string, string?> { ["FedN:Limits:MaxExamplesPerReport"] = "1000" });
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        await SessionSetup.StartAsync(server, OneRound);
        var task = await SessionSetup.NextTaskAsync(site);
        AssertRefused(await SendAsync(site, Update(task, 1, 1001), 1), "numExamples 1001 must be a whole number of examples between 1 and 1000");
    }

    [Fact]
    public async Task A_tasks_upload_url_takes_no_more_than_the_models_size_plus_a_margin()
    {
        await using var server = await RunningServer.StartAsync();
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        await SessionSetup.StartAsync(server, OneRound);
        var task = await SessionSetup.NextTaskAsync(site);
        using var http = new HttpClient();
        using var upload = new HttpRequestMessage(HttpMethod.Put, task.GetProperty("uploadUrl").GetString()) { Content = new ByteArrayContent(new byte[3 << 20]) };
        upload.Headers.Add("x-ms-blob-type", "BlockBlob");
        upload.Headers.ExpectContinue = true;
        using var response = await http.SendAsync(upload);
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        // The URL still takes a real update.
        await UploadAsync(task, await TinyModelAsync(1, 1, 1, 1));
    }

    [Fact]
    public async Task Only_the_clients_a_round_asked_are_heard_and_only_in_its_phase()
    {
        await using var server = await RunningServer.StartAsync();
        await using var site = await RawHubClient.ConnectedAsync(server, "site");
        await using var stranger = await RawHubClient.ConnectedAsync(server, "stranger");
        await SessionSetup.StartAsync(server, OneRound with { Clients = ["site"] });
        var task = await SessionSetup.NextTaskAsync(site);
        var perfect = new Dictionary<string, double> { ["accuracy"] = 0.99995 };

        // While the round trains, a validation is out of phase, and the stranger was asked nothing.
        AssertRefused(await SendAsync(stranger, Validation(task, 1, 1000, perfect), 1), "round 1 of session 's' is not taking validations (it is training)");
        AssertRefused(await SendAsync(stranger, Update(task, 2, 1000), 2), "client 'stranger' was not asked to train in round 1 (attempt 1)");
        await UploadAsync(task, await TinyModelAsync(1, 1, 1, 1));
        AssertAccepted(await SendAsync(site, Update(task, 1, 10), 1));

        var validation = await SessionSetup.NextTaskAsync(site);
        AssertRefused(await SendAsync(stranger, Validation(validation, 3, 1000, perfect), 3), "client 'stranger' was not asked to validate round 1");
        var otherModel = JsonSerializer.Deserialize<JsonElement>(validation.GetRawText().Replace(validation.GetProperty("modelId").GetString()!, "seed", StringComparison.Ordinal));
        AssertRefused(await SendAsync(site, Validation(otherModel, 2, 10, perfect), 2), "round 1 asked to validate model 's-round-1', not 'seed'");
        AssertAccepted(await SendAsync(site, Validation(validation, 3, 10, new Dictionary<string, double> { ["accuracy"] = 0.5 }), 3));

        var round = await EndedRoundAsync(server, 1);
        Assert.Equal(0.5, round.ValidationMetrics!["accuracy"]);
        Assert.Equal(1, round.UpdatesReceived);
        await Poll.UntilAsync(async () => (await server.Metadata.Sessions.GetAsync("s"))!.Value.Status == SessionStatus.Completed, TimeSpan.FromSeconds(30), "the session to complete");

        // Nothing more is written into a finished session.
        AssertRefused(await SendAsync(stranger, Validation(validation, 4, 1000, perfect), 4), "round 1 of session 's' is not taking validations (it is committed)");
        var stored = await server.Metadata.Validations.ListAsync("s", new PageRequest(100), round: 1);
        Assert.Equal("site", Assert.Single(stored.Items).Value.ClientId);
    }

    [Fact]
    public async Task A_claim_of_more_examples_than_the_session_allows_weighs_only_the_cap()
    {
        var (values, _) = await RoundOfTwoAsync(OneRound with { MinClients = 2, Validate = false, MaxExampleWeight = 100 }, (1f, 1_000_000), (3f, 100));
        Assert.All(values, value => Assert.Equal(2f, value));
    }

    [Fact]
    public async Task An_update_beyond_the_norm_bound_is_clipped_onto_it()
    {
        var (values, rejections) = await RoundOfTwoAsync(OneRound with { MinClients = 2, Validate = false, UpdateNormBound = 1 }, (0.25f, 10), (1e6f, 10));

        // b moved 2e6 (four elements of 1e6): clipped to distance 1, it adds 0.5 to each.
        Assert.All(values, value => Assert.Equal(0.375f, value, 1e-6f));
        Assert.Empty(rejections);
    }

    [Fact]
    public async Task An_update_beyond_the_norm_bound_is_refused_when_the_session_says_so()
    {
        var (values, rejections) = await RoundOfTwoAsync(OneRound with { MinClients = 1, Validate = false, UpdateNormBound = 1, UpdateNormAction = UpdateNormAction.Reject }, (0.25f, 10), (1e6f, 10));
        Assert.All(values, value => Assert.Equal(0.25f, value));
        var rejection = Assert.Single(rejections);
        Assert.Equal("b", rejection.ClientId);
        Assert.Contains("the update is 2E+06 from the global model, beyond the session's bound of 1", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_update_whose_weighted_values_overflow_is_refused_by_name_and_the_rest_is_aggregated()
    {
        var (values, rejections) = await RoundOfTwoAsync(OneRound with { MinClients = 1, Validate = false }, (3e38f, 10), (1f, 10));
        Assert.All(values, value => Assert.Equal(1f, value));
        var rejection = Assert.Single(rejections);
        Assert.Equal("a", rejection.ClientId);
        Assert.Contains("tensor 'w' has values up to 3E+38 which, weighted by 10, overflow the F32 sum", rejection.Message, StringComparison.Ordinal);
    }

    /// <summary>Clients a and b each upload a model whose every value is theirs, with their example count; returns the committed values and the round's refusals.</summary>
    private static async Task<(float[] Values, IReadOnlyList<StatusEvent> Rejections)> RoundOfTwoAsync(SessionConfig config, (float Value, long Examples) a, (float Value, long Examples) b)
    {
        await using var server = await RunningServer.StartAsync();
        await using var clientA = await RawHubClient.ConnectedAsync(server, "a");
        await using var clientB = await RawHubClient.ConnectedAsync(server, "b");
        await SessionSetup.StartAsync(server, config);
        foreach (var (client, answer) in new[] { (clientA, a), (clientB, b) })
        {
            var task = await SessionSetup.NextTaskAsync(client);
            await UploadAsync(task, await TinyModelAsync(answer.Value, answer.Value, answer.Value, answer.Value));
            AssertAccepted(await SendAsync(client, Update(task, 1, answer.Examples), 1));
        }

        await EndedRoundAsync(server, 1);
        var events = await server.Metadata.Events.ListAsync("s", new PageRequest(1000));
        return (await CommittedValuesAsync(server, 1), [.. events.Items.Select(e => e.Value).Where(e => e.Kind == "update.rejected")]);
    }
}
