using System.Globalization;

namespace FedN.Contracts;

/// <summary>Byte counts for people, in binary units as the dashboard writes them ("12.3 MiB").</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>Formats <paramref name="bytes"/> with one decimal beyond bytes.</summary>
    public static string Format(long bytes)
    {
        double size = bytes;
        var unit = 0;
        while (Math.Abs(size) >= 1024 && unit < Units.Length - 1)
        {
            size /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{size:0.0} {Units[unit]}");
    }
}
