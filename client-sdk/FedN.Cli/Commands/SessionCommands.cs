using System.CommandLine;
using System.Globalization;
using FedN.Contracts;
using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Core;

namespace FedN.Cli.Commands;

/// <summary><c>fedn session start|list|show|stop|delete</c>.</summary>
internal static class SessionCommands
{
    public static Command Create() => new("session", "Start, follow, stop and delete training sessions on a server.") 
    {
        Start(),
        List(),
        Show(),
        Stop(),
        DeleteCommand.Create("session", "Delete an ended session with its rounds, validations, events and working files (its models stay on the trail).", (api, id, ct) => api.DeleteSessionAsync(id, ct)),
    };

    private static Command Start()
    {
        var server = new ServerOptions();
        var id = new Option<string?>("--id") { Description = "The session id (made up when absent)." };
        var name = new Option<string?>("--name") { Description = "A display name." };
        var seed = new Option<string?>("--seed") { Description = "The model to start from (the newest model when absent)." };
        var config = new Option<string?>("--config") { Description = "A JSON file with the session configuration (rounds, roundTimeout, minClients, aggregator, shards, ...); the options below override it." };
        var rounds = new Option<int?>("--rounds") { Description = "Rounds to run." };
        var timeout = new Option<double?>("--round-timeout") { Description = "Seconds a round waits for updates." };
        var minClients = new Option<int?>("--min-clients") { Description = "Clients that must be online for a round to start, and updates it needs." };
        var perRound = new Option<int?>("--clients-per-round") { Description = "Clients chosen at random each round (all online clients when absent)." };
        var clients = new Option<string[]?>("--clients") { Description = "Only these clients take part, by id (comma-separated or repeated); every connected client when absent.", AllowMultipleArgumentsPerToken = true };
        var aggregator = new Option<string?>("--aggregator") { Description = $"How updates are combined: {string.Join(", ", Core.Aggregation.Aggregators.Names)} (docs/aggregation.md)." };
        var shards = new Option<int?>("--shards") { Description = "Combiners aggregating in parallel." };
        var noValidate = new Option<bool>("--no-validate") { Description = "Skip the validation step of each round." };
        var maxWeight = new Option<long?>("--max-example-weight") { Description = $"Most examples one update weighs; a client claiming more counts as this many (default {SessionConfig.DefaultMaxExampleWeight})." };
        var normBound = new Option<double?>("--update-norm-bound") { Description = "Largest L2 distance of an update from the global model (unbounded when absent)." };
        var normAction = new Option<UpdateNormAction?>("--update-norm-action") { Description = "What an update beyond the bound does: clip (onto the bound, the default) or reject." };
        var package = new Option<string?>("--package") { Description = "The compute package (its id, from fedn package upload) every client runs; clients use their own trainer when absent." };
        var wait = new Option<bool>("--wait") { Description = "Follow the session until it ends, with a progress bar over rounds." };
        var hyperparameters = HyperparameterOptions.Create();
        var command = server.AddTo(new Command("start", "Create a session and start it.") { id, name, seed, config, rounds, timeout, minClients, perRound, clients, aggregator, shards, noValidate, maxWeight, normBound, normAction, package, wait });
        hyperparameters.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var settings = parse.GetValue(config) is { } file ? await ReadConfigAsync(file, ct) : new SessionConfig();
            settings = settings with
            {
                Rounds = parse.GetValue(rounds) ?? settings.Rounds,
                RoundTimeout = parse.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : settings.RoundTimeout,
                MinClients = parse.GetValue(minClients) ?? settings.MinClients,
                ClientsPerRound = parse.GetValue(perRound) ?? settings.ClientsPerRound,
                Clients = parse.GetValue(clients) is { Length: > 0 } named ? ClientList(named) : settings.Clients,
                Aggregator = parse.GetValue(aggregator) ?? settings.Aggregator,
                Shards = parse.GetValue(shards) ?? settings.Shards,
                Validate = !parse.GetValue(noValidate) && settings.Validate,
                MaxExampleWeight = parse.GetValue(maxWeight) ?? settings.MaxExampleWeight,
                UpdateNormBound = parse.GetValue(normBound) ?? settings.UpdateNormBound,
                UpdateNormAction = parse.GetValue(normAction) ?? settings.UpdateNormAction,
                Package = parse.GetValue(package) ?? settings.Package,
                Hyperparameters = hyperparameters.Read(parse).Aggregate(settings.Hyperparameters, (all, given) => all.With(given.Key, given.Value)),
            };
            Core.Aggregation.Aggregators.CheckSession(settings);
            using var api = server.Api(parse);
            var session = await api.CreateSessionAsync(new CreateSessionRequest { Id = parse.GetValue(id), Name = parse.GetValue(name), SeedModelId = parse.GetValue(seed), Config = settings, Start = true }, ct);
            if (parse.GetValue(wait))
            {
                session = await FollowAsync(api, session, ct);
            }

            await server.PrintAsync(parse, session, s => $"{s.Id} {Lower(s.Status)}{(s.Message is null ? "" : $": {s.Message}")}" + Environment.NewLine);
            if (session.Status is SessionStatus.Failed)
            {
                throw new CliFailure($"session {session.Id} failed: {session.Message}");
            }
        }));
        return command;
    }

    private static Command List()
    {
        var server = new ServerOptions();
        var command = server.AddTo(new Command("list", "List sessions, newest first."));
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var api = server.Api(parse);
            var sessions = await Pages.AllAsync(token => api.ListSessionsAsync(continuationToken: token, cancellationToken: ct));
            await server.PrintAsync(parse, sessions, all => Table.Render(["id", "status", "rounds", "aggregator", "model", "created"],
                all.Select(s => new[] { s.Id, Lower(s.Status), $"{s.CompletedRounds}/{s.Config.Rounds}", s.Config.Aggregator, s.CurrentModelId ?? s.SeedModelId, Table.Time(s.CreatedAt) })));
        }));
        return command;
    }

    private static Command Show()
    {
        var server = new ServerOptions();
        var id = new Argument<string>("id") { Description = "The session id." };
        var command = server.AddTo(new Command("show", "Show a session and its rounds.") { id });
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var api = server.Api(parse);
            var session = await api.GetSessionAsync(parse.GetValue(id)!, ct);
            var status = await api.GetSessionStatusAsync(session.Id, ct);
            var rounds = await Pages.AllAsync(token => api.ListRoundsAsync(session.Id, continuationToken: token, cancellationToken: ct));
            await server.PrintAsync(parse, new { session, status, rounds }, _ =>
                $"{session.Id}: {Lower(session.Status)}, {session.CompletedRounds}/{session.Config.Rounds} rounds, aggregator {session.Config.Aggregator}, {session.Config.Shards} shard(s)" + Environment.NewLine
                + (status.Phase is null ? "" : $"now: round {status.Round} (attempt {status.Attempt}), {status.Phase}" + Environment.NewLine)
                + (session.Message is null ? "" : $"message: {session.Message}" + Environment.NewLine)
                + (session.Config.Package is { } package ? $"package: {package}" + Environment.NewLine : "")
                + $"defences: {(session.Defences is { Count: > 0 } defences ? string.Join("; ", defences) : "none")}" + Environment.NewLine
                + (session.Privacy is { } privacy ? string.Create(CultureInfo.InvariantCulture, $"privacy: ε {privacy.Epsilon:0.00} at δ {privacy.Delta:G3} after {privacy.Rounds} round(s) (RDP accountant, σ {privacy.NoiseMultiplier:G4}, clipping at {privacy.ClipNorm:G4}, no amplification by sampling)") + Environment.NewLine : "")
                + (session.Traffic is { } traffic ? $"traffic: {ByteSize.Format(traffic.BytesDown)} down, {ByteSize.Format(traffic.BytesUp)} up, {ByteSize.Format(traffic.BytesDown + traffic.BytesUp)} in all" + Environment.NewLine : "")
                + string.Concat(rounds.Where(r => r.Warning is not null).Select(r => $"warning: round {r.Round}: {r.Warning}" + Environment.NewLine))
                + Table.Render(["round", "status", "clients", "aggregated", "rejected", "seconds", "down", "up", "training", "validation"], rounds.Select(r => new[]
                {
                    r.Round.ToString(CultureInfo.InvariantCulture),
                    Lower(r.Status),
                    r.AssignedClients.ToString(CultureInfo.InvariantCulture),
                    r.UpdatesAggregated.ToString(CultureInfo.InvariantCulture),
                    r.UpdatesRejected.ToString(CultureInfo.InvariantCulture),
                    r.EndedAt is { } end ? (end - r.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) : null,
                    r.Traffic is { } down ? ByteSize.Format(down.BytesDown) : null,
                    r.Traffic is { } up ? ByteSize.Format(up.BytesUp) : null,
                    Table.Metrics(r.TrainingMetrics),
                    Table.Metrics(r.ValidationMetrics),
                })));
        }));
        return command;
    }

    private static Command Stop()
    {
        var server = new ServerOptions();
        var id = new Argument<string>("id") { Description = "The session id." };
        var command = server.AddTo(new Command("stop", "Stop a session: the round in progress ends without committing.") { id }, json: false);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var api = server.Api(parse);
            await api.StopSessionAsync(parse.GetValue(id)!, ct);
            await Console.Out.WriteLineAsync($"{parse.GetValue(id)} stopping");
        }));
        return command;
    }

    /// <summary>Polls the session until it ends, drawing rounds done as a bar.</summary>
    private static async Task<SessionRecord> FollowAsync(Client.FedNApiClient api, SessionRecord session, CancellationToken cancellationToken)
    {
        var bar = new ProgressBar($"session {session.Id}", session.Config.Rounds, rounds => $"{rounds} rounds");
        while (!session.Status.HasEnded())
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            session = await Client.ServerOutage.RetryAsync(token => api.GetSessionAsync(session.Id, token), Retrying, cancellationToken: cancellationToken);
            bar.Report(session.CompletedRounds);
        }

        bar.Complete();
        return session;
    }

    private static void Retrying(string reason) => Console.Error.WriteLine($"fedn: {reason} (the session goes on on the server)");

    private static async Task<SessionConfig> ReadConfigAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return JsonInput.Read<SessionConfig>(await File.ReadAllTextAsync(path, cancellationToken), path);
        }
        catch (ArgumentException error)
        {
            throw new CliFailure($"{ErrorMessages.Of(error)} (docs/configuration.md lists every setting)");
        }
    }

    /// <summary>The ids of <c>--clients a,b --clients c</c>, each once, in the order given.</summary>
    private static List<string> ClientList(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();

    private static string Lower<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString().ToLowerInvariant();
}
