using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Configuration;

namespace FedN.Hosting;

/// <summary>
/// Reads typed values of one configuration section, collecting every problem (named with its full
/// key) instead of stopping at the first, so a broken configuration is fixed in one go.
/// </summary>
/// <param name="configuration">The configuration.</param>
/// <param name="section">The section's path, for example <c>FedN:Limits</c>.</param>
public sealed class SettingValues(IConfiguration configuration, string section)
{
    private readonly IConfigurationSection _section = configuration.GetSection(section);

    /// <summary>What is wrong so far.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>The text at <paramref name="key"/>, if set.</summary>
    public string? this[string key] => _section[key] is { Length: > 0 } text ? text : null;

    /// <summary>A whole number (int, long).</summary>
    public T WholeNumber<T>(string key, T fallback)
        where T : IBinaryInteger<T> => this[key] switch
        {
            null => fallback,
            var text when T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
            var text => Problem(fallback, $"{section}:{key} '{text}' is not a whole number"),
        };

    /// <summary>A finite number.</summary>
    public double Number(string key, double fallback) => this[key] switch
    {
        null => fallback,
        var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) => value,
        var text => Problem(fallback, $"{section}:{key} '{text}' is not a number"),
    };

    /// <summary>A duration as seconds ("10", "2.5") or as a time span ("00:00:10").</summary>
    public TimeSpan Duration(string key, TimeSpan fallback) => this[key] switch
    {
        null => fallback,
        var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds => TimeSpan.FromSeconds(seconds),
        var text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) => span,
        var text => Problem(fallback, $"{section}:{key} '{text}' is not a duration: give seconds (10) or a time span (00:00:10)"),
    };

    /// <summary>A switch: <c>true</c> or <c>false</c>.</summary>
    public bool Flag(string key, bool fallback) => this[key] switch
    {
        null => fallback,
        var text when bool.TryParse(text, out var value) => value,
        var text => Problem(fallback, $"{section}:{key} '{text}' is not true or false"),
    };

    /// <summary>An absolute http or https URI.</summary>
    public Uri? HttpUri(string key) => this[key] switch
    {
        null => null,
        var text when Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" => uri,
        var text => Problem<Uri?>(null, $"{section}:{key} '{text}' is not an http or https address"),
    };

    /// <summary>Records <paramref name="problem"/> and returns <paramref name="fallback"/>.</summary>
    public T Problem<T>(T fallback, string problem)
    {
        Problems.Add(problem);
        return fallback;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem, if there is any.</summary>
    public void ThrowIfAny()
    {
        if (Problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", Problems));
        }
    }
}
