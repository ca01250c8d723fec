using System.CommandLine;
using FedN.Core.IO;

namespace FedN.Cli.Commands;

/// <summary><c>fedn model upload|list|download|delete</c>: models on a server's trail.</summary>
internal static class ModelServerCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Upload();
        yield return List();
        yield return Download();
        yield return DeleteCommand.Create("model", "Delete a model and its file (refused while a session that has not ended uses it, or another model descends from it).", (api, id, ct) => api.DeleteModelAsync(id, ct));
    }

    private static Command Upload()
    {
        var server = new ServerOptions();
        var file = new Argument<string>("file") { Description = "A safetensors file: the seed model of sessions." };
        var id = new Option<string?>("--id") { Description = "The model id (made up when absent)." };
        var description = new Option<string?>("--description") { Description = "A note kept with the model." };
        var command = server.AddTo(new Command("upload", "Upload a model to the server's trail; the server checks it first.") { file, id, description });
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            await using (CommandRunner.OpenModel(path))
            {
                // Checked here too, so a bad file fails before it is sent.
            }

            using var api = server.Api(parse);
            await using var content = File.OpenRead(path);
            var bar = new ProgressBar("upload", content.Length);
            var model = await api.UploadModelAsync(content, parse.GetValue(id), parse.GetValue(description), bar, ct);
            bar.Complete();
            await server.PrintAsync(parse, model, m => $"{m.Id} ({m.SizeBytes:N0} bytes)" + Environment.NewLine);
        }));
        return command;
    }

    private static Command List()
    {
        var server = new ServerOptions();
        var session = new Option<string?>("--session") { Description = "Only this session's models." };
        var command = server.AddTo(new Command("list", "List the models on the trail, newest first.") { session });
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var api = server.Api(parse);
            var models = await Pages.AllAsync(token => api.ListModelsAsync(parse.GetValue(session), newestFirst: true, continuationToken: token, cancellationToken: ct));
            await server.PrintAsync(parse, models, all => Table.Render(["id", "parent", "session", "round", "bytes", "created"],
                all.Select(m => new[] { m.Id, m.ParentId, m.SessionId, m.Round?.ToString(System.Globalization.CultureInfo.InvariantCulture), m.SizeBytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Table.Time(m.CreatedAt) })));
        }));
        return command;
    }

    private static Command Download()
    {
        var server = new ServerOptions();
        var id = new Argument<string>("id") { Description = "The model id." };
        var output = new Option<string>("--out") { Description = "Where to write the safetensors file.", Required = true };
        var command = server.AddTo(new Command("download", "Download a model from the trail.") { id, output }, json: false);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var api = server.Api(parse);
            var path = parse.GetValue(output)!;
            // Written beside the destination and renamed into place: a failed download leaves nothing behind.
            await using (var file = AtomicFile.Create(path))
            {
                var bar = new ProgressBar("download", null);
                await api.DownloadModelAsync(parse.GetValue(id)!, file.Stream, bar, ct);
                await file.CommitAsync(ct);
                bar.Complete();
            }

            await Console.Out.WriteLineAsync(path);
        }));
        return command;
    }
}
