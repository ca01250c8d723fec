using FedN.Contracts.Api;
using FedN.Contracts.Federation;
using FedN.Core.Aggregation;
using FedN.Core.Aggregation.Strategies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FedN.Api.Endpoints;

/// <summary><c>/api/v1/aggregators</c>: the registry of aggregation methods; and what a session's method defends against.</summary>
internal static class AggregatorEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/aggregators", List).WithTags("Aggregators").WithSummary("The aggregation methods this server runs, with their hyperparameters, defaults and ranges");

    /// <summary>The session as the API shows it: with its defences and, for a DP aggregator, the privacy spent so far.</summary>
    public static SessionRecord Describe(SessionRecord session)
    {
        ArgumentNullException.ThrowIfNull(session);
        PrivacySpent? privacy = null;
        if (Aggregators.Find(session.Config.Aggregator) is DpFedAvgStrategy dp)
        {
            var settings = dp.Settings(session.Config.Hyperparameters);
            var (epsilon, delta, _) = dp.PrivacySpent(session.Config.Hyperparameters, session.CompletedRounds);
            privacy = new PrivacySpent(epsilon, delta, session.CompletedRounds, settings.NoiseMultiplier, settings.ClipNorm);
        }

        return session with { Defences = Aggregators.DefencesOf(session.Config), Privacy = privacy };
    }

    private static IReadOnlyList<AggregatorInfo> List() =>
        [.. Aggregators.All.Select(s => new AggregatorInfo(s.Name, s.Summary, s.IsLinear, [.. s.Hyperparameters.Select(h => new HyperparameterInfo(h.Name, h.Description, h.Default, h.Range))]))];
}
