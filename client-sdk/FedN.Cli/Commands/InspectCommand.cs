using System.CommandLine;
using System.Text.Json;
using FedN.Core.Safetensors;

namespace FedN.Cli.Commands;

/// <summary><c>fedn model inspect FILE [--json]</c>.</summary>
internal static class InspectCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A safetensors file." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("inspect", "Show a model's tensors (name, dtype, shape), parameter count and metadata.") { file, json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            await using var reader = CommandRunner.OpenModel(path);
            await Console.Out.WriteAsync(parse.GetValue(json) ? ToJson(path, reader.Header) : ToTable(path, reader.Header));
        }));
        return command;
    }

    private static string ToTable(string path, SafetensorsHeader header)
    {
        var rows = header.Tensors.Select(t => (t.Name, DType: t.DType.ToSafetensorsName(), Shape: t.ShapeText, Count: t.ElementCount.ToString("N0"))).ToList();
        var nameWidth = Math.Max(6, rows.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
        var shapeWidth = Math.Max(5, rows.Select(r => r.Shape.Length).DefaultIfEmpty(0).Max());
        var text = new System.Text.StringBuilder();
        text.AppendLine(path);
        text.AppendLine($"{"tensor".PadRight(nameWidth)}  dtype    {"shape".PadRight(shapeWidth)}  parameters");
        foreach (var r in rows)
        {
            text.AppendLine($"{r.Name.PadRight(nameWidth)}  {r.DType,-7}  {r.Shape.PadRight(shapeWidth)}  {r.Count,10}");
        }

        text.AppendLine($"{header.Tensors.Count} tensors, {header.ParameterCount:N0} parameters, {header.DataLength:N0} data bytes");
        foreach (var (key, value) in header.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"metadata {key} = {value}");
        }

        return text.ToString();
    }

    private static string ToJson(string path, SafetensorsHeader header) => JsonSerializer.Serialize(new
    {
        path,
        parameterCount = header.ParameterCount,
        dataBytes = header.DataLength,
        tensors = header.Tensors.Select(t => new { name = t.Name, dtype = t.DType.ToSafetensorsName(), shape = t.Shape, parameters = t.ElementCount }),
        metadata = header.Metadata,
    }, Indented) + Environment.NewLine;
}
