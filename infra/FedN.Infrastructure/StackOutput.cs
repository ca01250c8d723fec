namespace FedN.Infrastructure;

/// <summary>A value <c>pulumi stack output</c> shows. Outputs are plain text: none may come from a secret.</summary>
/// <param name="Name">The output's name.</param>
/// <param name="Source">Where the value comes from.</param>
/// <param name="Literal">The value, when <paramref name="Source"/> is <see cref="OutputSource.Literal"/>.</param>
public sealed record StackOutput(string Name, OutputSource Source, string? Literal = null)
{
    /// <summary>A fixed value.</summary>
    public static StackOutput Fixed(string name, string value) => new(name, OutputSource.Literal, value);
}

/// <summary>Where an output's value comes from.</summary>
public enum OutputSource
{
    /// <summary><see cref="StackOutput.Literal"/>.</summary>
    Literal,

    /// <summary><c>https://&lt;app host&gt;</c>: what the CLI and SDK take as the server (<c>FEDN_SERVER</c>).</summary>
    ServerUrl,

    /// <summary><c>https://&lt;app host&gt;/api/v1</c>.</summary>
    ApiBaseUrl,

    /// <summary><c>https://&lt;Web PubSub host&gt;</c>.</summary>
    WebPubSubEndpoint,

    /// <summary><c>https://&lt;app host&gt;/api/dashboard/</c>: the dashboard the app serves.</summary>
    DashboardUrl,
}
