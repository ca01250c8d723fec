using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Orchestration;
using FedN.Reducer;
using FedN.Storage;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Api.Endpoints;

/// <summary><c>/api/v1/sessions</c>: create, list, get, status, start, stop; and each session's rounds and validations.</summary>
internal static class SessionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapPost("/", CreateAsync).WithSummary("Creates a session (and starts it with \"start\": true)");
        sessions.MapGet("/", ListAsync).WithSummary("Sessions, newest first, optionally only those in ?status=");
        sessions.MapGet("/{id}", GetAsync).WithSummary("One session: configuration, status, progress");
        sessions.MapGet("/{id}/status", StatusAsync).WithSummary("Where the session is: round, attempt and phase while it runs");
        sessions.MapPost("/{id}/start", StartAsync).WithSummary("Starts the session; starting a started session changes nothing");
        sessions.MapPost("/{id}/stop", StopAsync).WithSummary("Stops the session: the round in progress ends without committing");
        sessions.MapDelete("/{id}", DeleteAsync)
            .WithSummary("Deletes an ended (or never started) session with its rounds, validations, events and working files; the models it committed stay on the trail");

        var rounds = sessions.MapGroup("/{id}/rounds").WithTags("Rounds");
        rounds.MapGet("/", ListRoundsAsync).WithSummary("The session's rounds, first first (or ?newestFirst=true)");
        rounds.MapGet("/{round:int}", GetRoundAsync).WithSummary("One round with its per-shard figures and metrics");

        sessions.MapGet("/{id}/validations", ListValidationsAsync).WithTags("Validations")
            .WithSummary("Validation results of the session, optionally of one ?round= or ?clientId=");
    }

    private static async Task<IResult> CreateAsync(CreateSessionRequest request, FederationMetadata metadata, SessionControl control, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = request.Id ?? GeneratedIds.New("session", now);
        var seedId = request.SeedModelId;
        if (seedId is null)
        {
            var newest = await metadata.Models.ListAsync(new PageRequest(1), newestFirst: true, cancellationToken: cancellationToken);
            seedId = (newest.Items.Count > 0 ? newest.Items[0].Value.Id : null)
                ?? throw new InvalidOperationException("there is no model to start from: upload a seed model first (POST /api/v1/models or ./fedn model upload)");
        }
        else if (await metadata.Models.GetAsync(seedId, cancellationToken) is null)
        {
            return ApiProblems.BadRequest($"seed model '{seedId}' does not exist; GET /api/v1/models lists the models");
        }

        if (request.Config?.Package is { } packageId && await metadata.Packages.GetAsync(packageId, cancellationToken) is null)
        {
            return ApiProblems.BadRequest($"package '{packageId}' is not on the server; upload it first (./fedn package upload), GET /api/v1/packages lists them");
        }

        var session = await metadata.Sessions.CreateAsync(new SessionRecord
        {
            Id = id,
            Name = request.Name,
            Config = request.Config ?? new SessionConfig(),
            SeedModelId = seedId,
            CreatedAt = now,
        }, cancellationToken);
        if (request.Start)
        {
            await control.StartAsync(id, cancellationToken);
        }

        return TypedResults.Created($"/api/v1/sessions/{id}", AggregatorEndpoints.Describe(session.Value));
    }

    private static async Task<Page<SessionRecord>> ListAsync(FederationMetadata metadata, SessionStatus? status, int? pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        Paging.Of(await metadata.Sessions.ListAsync(Paging.Request(pageSize, continuationToken), status, cancellationToken), AggregatorEndpoints.Describe);

    private static async Task<IResult> GetAsync(FederationMetadata metadata, string id, CancellationToken cancellationToken) =>
        await metadata.Sessions.GetAsync(id, cancellationToken) is { } session ? TypedResults.Ok(AggregatorEndpoints.Describe(session.Value)) : NoSession(id);

    private static async Task<IResult> StatusAsync(FederationMetadata metadata, IOrchestrationClient orchestrations, string id, CancellationToken cancellationToken)
    {
        if (await metadata.Sessions.GetAsync(id, cancellationToken) is not { Value: var session })
        {
            return NoSession(id);
        }

        var instance = await orchestrations.GetInstanceAsync(SessionControl.InstanceId(id), cancellationToken);
        var progress = instance?.Status == OrchestrationStatus.Running ? instance.ReadCustomStatusAs<SessionProgressStatus>() : null;

        // The round in progress and its phase come from the round's own record, which every step
        // updates; the orchestration's custom status only changes between rounds.
        int? round = null, attempt = null;
        string? phase = null;
        if (session.Status is SessionStatus.Running or SessionStatus.Stopping)
        {
            round = session.CompletedRounds + 1;
            var current = (await metadata.Rounds.GetAsync(id, round.Value, cancellationToken))?.Value;
            attempt = current?.Attempt ?? progress?.Attempt;
            phase = current?.Status switch
            {
                null or RoundStatus.Planned => "planning",
                RoundStatus.Training => "training",
                RoundStatus.Reducing => "aggregating",
                RoundStatus.Validating => "validating",
                RoundStatus.Committed => "committing",
                var ended => ended.Value.ToString().ToLowerInvariant(),
            };
        }

        return TypedResults.Ok(new SessionStatusView(id, session.Status, session.CompletedRounds, session.CurrentModelId,
            instance?.Status.ToString().ToLowerInvariant(), round, attempt, phase, session.Message ?? instance?.Error));
    }

    private static async Task<IResult> StartAsync(FederationMetadata metadata, SessionControl control, string id, CancellationToken cancellationToken)
    {
        if (await metadata.Sessions.GetAsync(id, cancellationToken) is null)
        {
            return NoSession(id);
        }

        await control.StartAsync(id, cancellationToken);
        return TypedResults.Accepted($"/api/v1/sessions/{id}/status");
    }

    private static async Task<IResult> StopAsync(FederationMetadata metadata, SessionControl control, string id, CancellationToken cancellationToken)
    {
        if (await metadata.Sessions.GetAsync(id, cancellationToken) is not { Value: var session })
        {
            return NoSession(id);
        }

        if (session.Status.HasEnded())
        {
            return ApiProblems.Conflict($"session '{id}' has already ended ({session.Status.ToString().ToLowerInvariant()}); there is nothing to stop");
        }

        await control.StopAsync(id, cancellationToken);
        return TypedResults.Accepted($"/api/v1/sessions/{id}/status");
    }

    private static async Task<IResult> DeleteAsync(FederationMetadata metadata, IBlobStore blobs, IOrchestrationClient orchestrations, string id, CancellationToken cancellationToken)
    {
        if (await metadata.Sessions.GetAsync(id, cancellationToken) is not { Value: var session })
        {
            return NoSession(id);
        }

        var started = session.Status != SessionStatus.Created || await orchestrations.GetInstanceAsync(SessionControl.InstanceId(id), cancellationToken) is not null;
        if (!session.Status.HasEnded() && started)
        {
            return ApiProblems.Conflict($"session '{id}' is {session.Status.ToString().ToLowerInvariant()}; stop it first (POST /api/v1/sessions/{id}/stop, or fedn session stop {id}) and delete it once it has stopped");
        }

        // The record last: a delete cut short is finished by running it again.
        await foreach (var blob in blobs.ListAsync(RoundLayout.SessionPrefixOf(id), cancellationToken))
        {
            await blobs.DeleteAsync(blob.Path, cancellationToken);
        }

        await metadata.Rounds.DeleteSessionAsync(id, cancellationToken);
        await metadata.Validations.DeleteSessionAsync(id, cancellationToken);
        await metadata.Events.DeleteSessionAsync(id, cancellationToken);
        await metadata.Sessions.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Page<RoundRecord>> ListRoundsAsync(FederationMetadata metadata, string id, bool? newestFirst, int? pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        Paging.Of(await metadata.Rounds.ListAsync(id, Paging.Request(pageSize, continuationToken), newestFirst ?? false, cancellationToken));

    private static async Task<IResult> GetRoundAsync(FederationMetadata metadata, string id, int round, CancellationToken cancellationToken) =>
        await metadata.Rounds.GetAsync(id, round, cancellationToken) is { } record
            ? TypedResults.Ok(record.Value)
            : ApiProblems.NotFound($"session '{id}' has no round {round}");

    private static async Task<Page<ValidationRecord>> ListValidationsAsync(FederationMetadata metadata, string id, int? round, string? clientId, int? pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        Paging.Of(await metadata.Validations.ListAsync(id, Paging.Request(pageSize, continuationToken), round, clientId, cancellationToken));

    private static IResult NoSession(string id) => ApiProblems.NotFound($"there is no session '{id}'; GET /api/v1/sessions lists them");
}
