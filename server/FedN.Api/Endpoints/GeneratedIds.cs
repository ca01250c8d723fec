using System.Globalization;

namespace FedN.Api.Endpoints;

/// <summary>Ids for records created without one: readable (kind and time) and unique (a random suffix).</summary>
internal static class GeneratedIds
{
    public static string New(string kind, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}-{now:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
}
