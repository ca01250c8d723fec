using System.Diagnostics;
using System.Globalization;

namespace FedN.Cli.Commands;

/// <summary>A one-line progress bar on stderr, redrawn at most ten times a second; nothing when stderr is not a terminal.</summary>
/// <param name="label">What is progressing.</param>
/// <param name="total">The end, when known.</param>
/// <param name="unit">How to write an amount; megabytes by default.</param>
internal sealed class ProgressBar(string label, long? total, Func<long, string>? unit = null) : IProgress<long>
{
    private readonly Func<long, string> _unit = unit ?? (bytes => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB");
    private readonly bool _visible = !Console.IsErrorRedirected;
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private long _done;

    public void Report(long value)
    {
        _done = value;
        if (_visible && _sinceDraw.ElapsedMilliseconds >= 100)
        {
            Draw();
            _sinceDraw.Restart();
        }
    }

    /// <summary>Draws the final state and ends the line.</summary>
    public void Complete()
    {
        if (_visible)
        {
            Draw();
            Console.Error.WriteLine();
        }
    }

    private void Draw()
    {
        const int width = 30;
        if (total is > 0 and var all)
        {
            var fraction = Math.Clamp((double)_done / all, 0, 1);
            var filled = (int)(fraction * width);
            Console.Error.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {fraction.ToString("P0", CultureInfo.InvariantCulture),4} {_unit(_done)} of {_unit(all)}");
        }
        else
        {
            Console.Error.Write($"\r{label} {_unit(_done)}");
        }
    }
}
