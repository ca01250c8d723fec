using System.Text.Json;
using FedN.Contracts;
using FedN.Contracts.Federation;
using FedN.Core;
using FedN.Storage.Metadata;

namespace FedN.Storage.Tests;

/// <summary>
/// What every <see cref="IMetadataStore"/> must do, checked through the repositories the rest of
/// FedN uses. Each adapter's test class supplies a fresh, empty store.
/// </summary>
public abstract class MetadataStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The store under test, empty at the start of each test.</summary>
    protected abstract IMetadataStore Store { get; }

    private FederationMetadata Metadata => new(Store);

    [Fact]
    public async Task A_damaged_record_is_named_and_left_out_of_lists_instead_of_failing_them()
    {
        var sessions = new FederationMetadata(Store).Sessions;
        await sessions.CreateAsync(new SessionRecord { Id = "good", Config = new SessionConfig(), SeedModelId = "seed", CreatedAt = DateTimeOffset.UnixEpoch.AddDays(1) });
        var damaged = JsonSerializer.SerializeToElement(new { id = "broken", config = "not a config" });
        await Store.CreateAsync(MetadataContainers.Sessions, new MetadataDocument(new MetadataKey("broken", "broken"), "0000000000000000001:broken", damaged));

        var page = await sessions.ListAsync(new PageRequest(100));
        Assert.Equal("good", Assert.Single(page.Items).Value.Id);
        Assert.Contains("session 'broken' is stored damaged (not a valid SessionRecord)", Assert.Single(page.Unreadable), StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<MetadataStoreException>(() => sessions.GetAsync("broken"));
        Assert.Contains("session 'broken' is stored damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_kind_of_record_round_trips()
    {
        var m = Metadata;
        var session = NewSession("s1");
        var seed = new ModelRecord { Id = "seed", BlobPath = "models/seed.safetensors", SizeBytes = 1234, CreatedAt = T0, Description = "initial" };
        var child = new ModelRecord { Id = "m1", ParentId = "seed", SessionId = "s1", Round = 1, BlobPath = "sessions/s1/rounds/1/model.safetensors", CreatedAt = T0.AddMinutes(1) };
        var round = new RoundRecord
        {
            SessionId = "s1", Round = 1, InputModelId = "seed", Status = RoundStatus.Committed, OutputModelId = "m1", AssignedClients = 3,
            Shards = [new ShardFigures(0, 2, 2, 0, 600, 1.5), new ShardFigures(1, 1, 1, 0, 300, 0.7)],
            ValidationMetrics = new Dictionary<string, double> { ["accuracy"] = 0.91, ["loss"] = 0.3 }, StartedAt = T0, EndedAt = T0.AddMinutes(1),
        };
        var validation = new ValidationRecord { SessionId = "s1", Round = 1, ClientId = "c1", ModelId = "m1", NumExamples = 100, Metrics = new Dictionary<string, double> { ["accuracy"] = 0.9 }, ReceivedAt = T0 };
        var statusEvent = new StatusEvent { SessionId = "s1", Time = T0, Kind = "round.committed", Message = "round 1 committed", Round = 1, Level = StatusLevel.Info };

        await m.Sessions.CreateAsync(session);
        await m.Models.CreateAsync(seed);
        await m.Models.CreateAsync(child);
        await m.Rounds.CreateAsync(round);
        await m.Validations.CreateAsync(validation);
        var appended = await m.Events.AppendAsync(statusEvent);
        await m.Clients.RecordConnectedAsync("c1", T0, name: "hospital-a");

        AssertSameJson(session, (await m.Sessions.GetAsync("s1"))!.Value);
        AssertSameJson(seed, (await m.Models.GetAsync("seed"))!.Value);
        AssertSameJson(child, (await m.Models.GetAsync("m1"))!.Value);
        AssertSameJson(round, (await m.Rounds.GetAsync("s1", 1))!.Value);
        AssertSameJson(validation, (await m.Validations.GetAsync("s1", 1, "c1"))!.Value);
        AssertSameJson(appended, Assert.Single((await m.Events.ListAsync("s1", PageRequest.First)).Items).Value);
        var client = (await m.Clients.GetAsync("c1"))!.Value;
        Assert.Equal(("hospital-a", true, T0, T0), (client.Name, client.Online, client.LastSeen, client.FirstSeen));
    }

    [Fact]
    public async Task Reading_what_is_not_there_gives_null()
    {
        Assert.Null(await Metadata.Sessions.GetAsync("missing"));
        Assert.Null(await Metadata.Rounds.GetAsync("missing", 1));
        Assert.Null(await Store.ReadAsync(MetadataContainers.Models, new MetadataKey("nope", "nope")));
    }

    [Fact]
    public async Task Creating_twice_fails_and_keeps_the_first()
    {
        await Metadata.Sessions.CreateAsync(NewSession("dup") with { Name = "first" });
        var error = await Assert.ThrowsAsync<MetadataAlreadyExistsException>(() => Metadata.Sessions.CreateAsync(NewSession("dup") with { Name = "second" }));
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal("first", (await Metadata.Sessions.GetAsync("dup"))!.Value.Name);
    }

    [Fact]
    public async Task Of_two_writers_with_the_same_etag_one_wins_and_the_other_gets_a_conflict()
    {
        var created = await Metadata.Sessions.CreateAsync(NewSession("race"));
        var first = await Metadata.Sessions.ReplaceAsync(created with { Value = created.Value with { Name = "writer one" } });
        var error = await Assert.ThrowsAsync<MetadataConflictException>(() => Metadata.Sessions.ReplaceAsync(created with { Value = created.Value with { Name = "writer two" } }));

        Assert.Contains("read it again", error.Message, StringComparison.Ordinal);
        Assert.NotEqual(created.ETag, first.ETag);
        var stored = (await Metadata.Sessions.GetAsync("race"))!;
        Assert.Equal(("writer one", first.ETag), (stored.Value.Name, stored.ETag));
    }

    [Fact]
    public async Task Concurrent_updates_retry_on_conflicts_and_none_is_lost()
    {
        await Metadata.Sessions.CreateAsync(NewSession("busy"));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Metadata.Sessions.UpdateAsync("busy", s => s with { CompletedRounds = s.CompletedRounds + 1 }))));
        Assert.Equal(8, (await Metadata.Sessions.GetAsync("busy"))!.Value.CompletedRounds);
    }

    [Fact]
    public async Task Counter_patches_are_atomic_on_the_store()
    {
        await Metadata.Rounds.CreateAsync(NewRound("s", 1));
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            Metadata.Rounds.CountUpdatesAsync("s", 1, received: 1, aggregated: i % 2, rejected: 1 - (i % 2)))));
        var round = (await Metadata.Rounds.GetAsync("s", 1))!.Value;
        Assert.Equal((40L, 20L, 20L), (round.UpdatesReceived, round.UpdatesAggregated, round.UpdatesRejected));
        Assert.Equal(RoundStatus.Planned, round.Status);
    }

    [Fact]
    public async Task A_conditional_count_lands_only_while_the_round_is_in_that_status()
    {
        await Metadata.Rounds.CreateAsync(NewRound("s", 1));
        await Metadata.Rounds.CountUpdatesAsync("s", 1, received: 1, onlyIn: RoundStatus.Planned);
        await Metadata.Rounds.UpdateAsync("s", 1, round => round with { Status = RoundStatus.Committed, UpdatesReceived = 3 });

        // A late count after the round's final figures are written is refused and changes nothing.
        await Assert.ThrowsAsync<MetadataConflictException>(() => Metadata.Rounds.CountUpdatesAsync("s", 1, received: 1, onlyIn: RoundStatus.Planned));
        var key = new MetadataKey("s", "0000000001");
        await Assert.ThrowsAsync<MetadataConflictException>(() => Store.PatchAsync(MetadataContainers.Rounds, key, [MetadataPatch.Increment("/updatesReceived", 1)], onlyIf: MetadataFilter.Equal("attempt", 7L)));
        await Assert.ThrowsAsync<MetadataConflictException>(() => Store.PatchAsync(MetadataContainers.Rounds, key, [MetadataPatch.Increment("/updatesReceived", 1)], onlyIf: MetadataFilter.Equal("inputModelId", "other\"model")));
        Assert.Equal(3, (await Metadata.Rounds.GetAsync("s", 1))!.Value.UpdatesReceived);

        var round = (await Metadata.Rounds.CountUpdatesAsync("s", 1, received: 1, onlyIn: RoundStatus.Committed)).Value;
        Assert.Equal(4, round.UpdatesReceived);
        await Store.PatchAsync(MetadataContainers.Rounds, key, [MetadataPatch.Increment("/updatesReceived", 1)], onlyIf: MetadataFilter.Equal("attempt", (long)round.Attempt));
        Assert.Equal(5, (await Metadata.Rounds.GetAsync("s", 1))!.Value.UpdatesReceived);
    }

    [Fact]
    public async Task Patches_and_replaces_name_what_is_wrong()
    {
        await Assert.ThrowsAsync<MetadataNotFoundException>(() => Metadata.Rounds.CountUpdatesAsync("s", 9, received: 1));
        await Assert.ThrowsAsync<MetadataNotFoundException>(() => Metadata.Sessions.UpdateAsync("ghost", s => s));
        var created = await Metadata.Rounds.CreateAsync(NewRound("s", 1));
        await Metadata.Rounds.CountUpdatesAsync("s", 1, received: 1);

        // A patch that presents a stale ETag is refused, and so is incrementing a text field.
        var key = new MetadataKey("s", "0000000001");
        await Assert.ThrowsAsync<MetadataConflictException>(() => Store.PatchAsync(MetadataContainers.Rounds, key, [MetadataPatch.Increment("/updatesReceived", 1)], created.ETag));
        await Assert.ThrowsAnyAsync<MetadataStoreException>(() => Store.PatchAsync(MetadataContainers.Rounds, key, [MetadataPatch.Increment("/inputModelId", 1)]));
        Assert.Equal(1, (await Metadata.Rounds.GetAsync("s", 1))!.Value.UpdatesReceived);
    }

    [Fact]
    public async Task Deletes_honour_etags()
    {
        var created = await Metadata.Rounds.CreateAsync(NewRound("s", 1));
        var key = new MetadataKey("s", "0000000001");
        await Metadata.Rounds.CountUpdatesAsync("s", 1, received: 1);
        await Assert.ThrowsAsync<MetadataConflictException>(() => Store.DeleteAsync(MetadataContainers.Rounds, key, created.ETag));
        var current = (await Metadata.Rounds.GetAsync("s", 1))!;
        Assert.True(await Store.DeleteAsync(MetadataContainers.Rounds, key, current.ETag));
        Assert.False(await Store.DeleteAsync(MetadataContainers.Rounds, key));
        Assert.Null(await Metadata.Rounds.GetAsync("s", 1));
    }

    [Fact]
    public async Task A_sessions_rounds_come_in_round_order_page_by_page()
    {
        foreach (var round in new[] { 7, 1, 12, 3, 10, 2, 11, 5, 9, 4, 8, 6 })
        {
            await Metadata.Rounds.CreateAsync(NewRound("s", round));
        }

        await Metadata.Rounds.CreateAsync(NewRound("other", 1));
        Assert.Equal(Enumerable.Range(1, 12), (await ReadAll(page => Metadata.Rounds.ListAsync("s", page), pageSize: 5)).Select(r => r.Round));
        Assert.Equal(Enumerable.Range(1, 12).Reverse(), (await ReadAll(page => Metadata.Rounds.ListAsync("s", page, newestFirst: true), pageSize: 4)).Select(r => r.Round));
    }

    [Fact]
    public async Task Sessions_list_newest_first_across_partitions_with_a_status_filter()
    {
        for (var i = 0; i < 11; i++)
        {
            await Metadata.Sessions.CreateAsync(NewSession($"s{i:D2}") with { CreatedAt = T0.AddMinutes(i), Status = i % 3 == 0 ? SessionStatus.Completed : SessionStatus.Running });
        }

        var all = await ReadAll(page => Metadata.Sessions.ListAsync(page), pageSize: 4);
        Assert.Equal(Enumerable.Range(0, 11).Reverse().Select(i => $"s{i:D2}"), all.Select(s => s.Id));
        var completed = await ReadAll(page => Metadata.Sessions.ListAsync(page, SessionStatus.Completed), pageSize: 2);
        Assert.Equal(["s09", "s06", "s03", "s00"], completed.Select(s => s.Id));
    }

    [Fact]
    public async Task Validations_list_by_round_then_client_and_filter_by_either()
    {
        foreach (var (round, client) in new[] { (2, "b"), (1, "b"), (2, "a"), (1, "a"), (3, "a") })
        {
            await Metadata.Validations.CreateAsync(new ValidationRecord { SessionId = "s", Round = round, ClientId = client, ModelId = $"m{round}", NumExamples = 10, Metrics = new Dictionary<string, double> { ["accuracy"] = 0.5 } });
        }

        await Assert.ThrowsAsync<MetadataAlreadyExistsException>(() => Metadata.Validations.CreateAsync(new ValidationRecord { SessionId = "s", Round = 1, ClientId = "a", ModelId = "m1", Metrics = new Dictionary<string, double>() }));
        Assert.Equal(["1a", "1b", "2a", "2b", "3a"], (await ReadAll(page => Metadata.Validations.ListAsync("s", page), pageSize: 2)).Select(v => $"{v.Round}{v.ClientId}"));
        Assert.Equal(["2a", "2b"], (await ReadAll(page => Metadata.Validations.ListAsync("s", page, round: 2), pageSize: 10)).Select(v => $"{v.Round}{v.ClientId}"));
        Assert.Equal(["1b", "2b"], (await ReadAll(page => Metadata.Validations.ListAsync("s", page, clientId: "b"), pageSize: 10)).Select(v => $"{v.Round}{v.ClientId}"));
    }

    [Fact]
    public async Task The_model_trail_links_each_model_to_its_parent()
    {
        await Metadata.Models.CreateAsync(new ModelRecord { Id = "seed", BlobPath = "models/seed", CreatedAt = T0 });
        for (var round = 1; round <= 3; round++)
        {
            await Metadata.Models.CreateAsync(new ModelRecord { Id = $"m{round}", ParentId = round == 1 ? "seed" : $"m{round - 1}", SessionId = "s", Round = round, BlobPath = $"models/m{round}", CreatedAt = T0.AddMinutes(round) });
        }

        Assert.Equal(["m3", "m2", "m1", "seed"], (await Metadata.Models.GetTrailAsync("m3")).Select(m => m.Id));
        Assert.Equal(["m3", "m2"], (await Metadata.Models.GetTrailAsync("m3", limit: 2)).Select(m => m.Id));
        Assert.Equal(["m1", "m2", "m3"], (await ReadAll(page => Metadata.Models.ListAsync(page, sessionId: "s"), pageSize: 2)).Select(m => m.Id));
        var orphan = await Assert.ThrowsAsync<MetadataStoreException>(() => Metadata.Models.CreateAsync(new ModelRecord { Id = "orphan", ParentId = "nowhere", BlobPath = "models/orphan" }));
        Assert.Contains("not on the trail", orphan.Message, StringComparison.Ordinal);
        Assert.Null(await Metadata.Models.GetAsync("orphan"));
    }

    [Fact]
    public async Task Clients_register_once_and_track_presence()
    {
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Metadata.Clients.RecordConnectedAsync("c1", T0))));
        await Metadata.Clients.RecordConnectedAsync("c2", T0);
        await Metadata.Clients.RecordSeenAsync("c1", T0.AddSeconds(30));
        await Metadata.Clients.RecordDisconnectedAsync("c2", T0.AddSeconds(40));

        var c1 = (await Metadata.Clients.GetAsync("c1"))!.Value;
        Assert.Equal((true, T0.AddSeconds(30), T0), (c1.Online, c1.LastSeen, c1.FirstSeen));
        Assert.Equal(["c1"], (await Metadata.Clients.ListAsync(PageRequest.First, online: true)).Items.Select(c => c.Value.Id));
        Assert.Equal(["c2"], (await Metadata.Clients.ListAsync(PageRequest.First, online: false)).Items.Select(c => c.Value.Id));
        Assert.Equal(["c1", "c2"], (await Metadata.Clients.ListAsync(PageRequest.First)).Items.Select(c => c.Value.Id));
        await Assert.ThrowsAsync<MetadataNotFoundException>(() => Metadata.Clients.RecordSeenAsync("stranger", T0));
    }

    [Fact]
    public async Task A_clients_traffic_adds_up_across_concurrent_reports_and_reconnections()
    {
        await Metadata.Clients.RecordConnectedAsync("c1", T0);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Metadata.Clients.CountTrafficAsync("c1", 1000, i))));
        await Metadata.Clients.RecordDisconnectedAsync("c1", T0.AddSeconds(1));
        await Metadata.Clients.RecordConnectedAsync("c1", T0.AddSeconds(2), node: "n2");

        var c1 = (await Metadata.Clients.GetAsync("c1"))!.Value;
        Assert.Equal((8000L, 28L, true), (c1.BytesDown, c1.BytesUp, c1.Online));
        await Assert.ThrowsAsync<MetadataNotFoundException>(() => Metadata.Clients.CountTrafficAsync("stranger", 1, 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Metadata.Clients.CountTrafficAsync("c1", -1, 0));
    }

    [Fact]
    public async Task Events_come_back_in_the_order_they_happened_and_appending_is_idempotent()
    {
        for (var i = 0; i < 9; i++)
        {
            await Metadata.Events.AppendAsync(new StatusEvent { SessionId = "s", Time = T0.AddSeconds(i), Kind = "step", Message = $"step {i}" });
        }

        await Metadata.Events.AppendAsync(new StatusEvent { Time = T0, Kind = "federation.started", Message = "no session" });
        var retried = new StatusEvent { Id = "round-1-committed", SessionId = "other", Time = T0.AddSeconds(5), Kind = "round.committed", Message = "once" };
        await Metadata.Events.AppendAsync(retried);
        await Metadata.Events.AppendAsync(retried with { Message = "retried" });
        await Metadata.Events.AppendAsync(new StatusEvent { Id = "z-earlier-event", SessionId = "other", Time = T0, Kind = "session.started", Message = "first" });

        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"step {i}"), (await ReadAll(page => Metadata.Events.ListAsync("s", page), pageSize: 4)).Select(e => e.Message));
        Assert.Equal("step 8", (await Metadata.Events.ListAsync("s", new PageRequest(1), newestFirst: true)).Items[0].Value.Message);
        Assert.Equal(["no session"], (await Metadata.Events.ListAsync(null, PageRequest.First)).Items.Select(e => e.Value.Message));
        Assert.Equal(["first", "once"], (await Metadata.Events.ListAsync("other", PageRequest.First)).Items.Select(e => e.Value.Message));
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_stored()
    {
        Assert.Contains("letters, digits", (await Assert.ThrowsAsync<ArgumentException>(() => Metadata.Sessions.CreateAsync(NewSession("bad/id")))).Message, StringComparison.Ordinal);
        Assert.Contains("shards", (await Assert.ThrowsAsync<ArgumentException>(() => Metadata.Sessions.CreateAsync(NewSession("s") with { Config = new SessionConfig { Shards = 0 } }))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Metadata.Rounds.ListAsync("s", new PageRequest(0)));
        await Assert.ThrowsAsync<ArgumentException>(() => Metadata.Rounds.ListAsync("s", new PageRequest(10, "not a token")));
        await Assert.ThrowsAsync<ArgumentException>(() => Metadata.Sessions.GetAsync("a/b"));
        Assert.Contains("no time", (await Assert.ThrowsAsync<ArgumentException>(() => Metadata.Events.AppendAsync(new StatusEvent { SessionId = "s", Kind = "round.planned", Message = "when?" }))).Message, StringComparison.Ordinal);
        Assert.Null(await Metadata.Sessions.GetAsync("s"));
    }

    private static SessionRecord NewSession(string id) => new() { Id = id, Config = new SessionConfig(), SeedModelId = "seed", CreatedAt = T0 };

    private static RoundRecord NewRound(string sessionId, int round) => new() { SessionId = sessionId, Round = round, InputModelId = "seed", StartedAt = T0 };

    private static void AssertSameJson<T>(T expected, T actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, FedNJson.Options), JsonSerializer.Serialize(actual, FedNJson.Options));

    private static async Task<List<T>> ReadAll<T>(Func<PageRequest, Task<RecordPage<T>>> list, int pageSize)
    {
        List<T> all = [];
        var page = new PageRequest(pageSize);
        while (true)
        {
            var result = await list(page);
            Assert.True(result.Items.Count <= pageSize, $"a page of {result.Items.Count} exceeds the page size {pageSize}");
            all.AddRange(result.Items.Select(item => item.Value));
            if (result.ContinuationToken is null)
            {
                return all;
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }
    }
}
