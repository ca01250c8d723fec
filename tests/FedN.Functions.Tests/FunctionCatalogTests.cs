using System.Text.Json;
using FedN.Api;
using FedN.Contracts.Messaging;
using FedN.Orchestration;
using FedN.Reducer;

namespace FedN.Functions.Tests;

/// <summary>
/// The Functions app as the Functions host would load it: the functions.metadata and extensions.json
/// that the real Worker.Sdk wrote when it built the app (nothing of the app runs here; there is no
/// host). Every orchestrator and activity the reducer registers has exactly one function of that name
/// and kind, the HTTP, Web PubSub and timer triggers are where the rest of FedN expects them, and the
/// extension bundle holds the Durable extension.
/// </summary>
public sealed class FunctionCatalogTests
{
    private readonly List<(string Function, string EntryPoint, JsonElement Trigger, List<JsonElement> Bindings)> _functions;

    public FunctionCatalogTests()
    {
        var metadata = ReadAppFile("functions.metadata");
        _functions = [.. metadata.EnumerateArray().Select(function =>
        {
            var bindings = function.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = Assert.Single(bindings, binding => binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            return (function.GetProperty("name").GetString()!, function.GetProperty("entryPoint").GetString()!, trigger, bindings);
        })];
    }

    private static string FunctionsAppDirectory =>
        typeof(FunctionCatalogTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsAppDirectory").Value!;

    private static JsonElement ReadAppFile(string name)
    {
        var path = Path.Combine(FunctionsAppDirectory, name);
        Assert.True(File.Exists(path), $"{path} is missing: the Worker.Sdk writes it when functions/FedN.Functions builds");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    }

    private static string? RoutePrefix() =>
        HostFiles.Read("host.json").GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();

    [Fact]
    public void Every_orchestrator_and_activity_has_exactly_one_function_of_its_name_and_kind()
    {
        var catalog = new OrchestrationCatalog().AddReducer(new ReducerStores(null!, null!, null!, null!));
        var orchestrators = catalog.Orchestrators.Select(o => o.Name).ToList();
        var activities = catalog.Activities.Select(a => a.Name).ToList();

        Assert.Equal(Sorted(orchestrators), Sorted(Named("orchestrationTrigger")));
        Assert.Equal(Sorted(activities), Sorted(Named("activityTrigger")));
        Assert.Equal(Sorted(ReducerNames.Activities), Sorted(activities));
        Assert.Equal(Sorted(ReducerNames.Orchestrators), Sorted(orchestrators));
        Assert.Equal(_functions.Count, _functions.Select(f => f.Function).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(_functions.Where(f => Kind(f.Trigger) is "orchestrationTrigger" or "activityTrigger"), f =>
        {
            Assert.StartsWith("FedN.Functions.Durable.ReducerFunctions.", f.EntryPoint, StringComparison.Ordinal);
            Assert.Equal("In", f.Trigger.GetProperty("direction").GetString());
        });
    }

    [Fact]
    public void The_http_trigger_serves_the_apis_base_path_under_host_jsons_route_prefix_with_a_durable_client()
    {
        var http = Assert.Single(_functions, f => f.Function == "api");

        Assert.Equal("httpTrigger", Kind(http.Trigger));
        Assert.Equal(ControlPlaneApi.BasePath + "/{*path}", $"/{RoutePrefix()}/{http.Trigger.GetProperty("route").GetString()}");
        // Anonymous: FedN checks its own bearer tokens.
        Assert.Equal("Anonymous", http.Trigger.GetProperty("authLevel").GetString());
        Assert.Equal(["delete", "get", "patch", "post", "put"], Sorted(http.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!)));
        Assert.Contains(http.Bindings, binding => binding.GetProperty("type").GetString() == "durableClient");
        Assert.Contains(http.Bindings, binding => binding.GetProperty("type").GetString() == "http" && binding.GetProperty("direction").GetString() == "Out");
    }

    [Fact]
    public void The_dashboard_is_served_read_only_next_to_the_api_and_ships_in_the_app()
    {
        var dashboard = Assert.Single(_functions, f => f.Function == "dashboard");

        Assert.Equal("httpTrigger", Kind(dashboard.Trigger));
        Assert.Equal("dashboard/{*path}", dashboard.Trigger.GetProperty("route").GetString());
        Assert.Equal(["get"], dashboard.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        // The files hold no data; the API behind them needs the admin token.
        Assert.Equal("Anonymous", dashboard.Trigger.GetProperty("authLevel").GetString());
        Assert.Equal(["api", "dashboard", "healthz", "readyz"], Sorted(_functions.Where(f => Kind(f.Trigger) == "httpTrigger").Select(f => f.Function)));
        Assert.True(File.Exists(Path.Combine(FunctionsAppDirectory, "dashboard", "index.html")), "the Functions app's output has no dashboard: run scripts/build-dashboard.sh before building");
    }

    [Fact]
    public void Health_and_readiness_are_served_without_a_key_beside_the_api_and_readiness_reaches_the_task_hub()
    {
        foreach (var name in new[] { "healthz", "readyz" })
        {
            var function = Assert.Single(_functions, f => f.Function == name);
            Assert.Equal("httpTrigger", Kind(function.Trigger));
            Assert.Equal(name, function.Trigger.GetProperty("route").GetString());
            Assert.Equal($"/api/{name}", $"/{RoutePrefix()}/{name}"); // where infra points App Service's health check (FunctionAppDescription.HealthCheckPath)
            Assert.Equal(["get"], function.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
            // A load balancer or Azure's health check calls it without a function key; it reads only.
            Assert.Equal("Anonymous", function.Trigger.GetProperty("authLevel").GetString());
        }

        Assert.Contains(Assert.Single(_functions, f => f.Function == "readyz").Bindings, binding => binding.GetProperty("type").GetString() == "durableClient");
        Assert.DoesNotContain(Assert.Single(_functions, f => f.Function == "healthz").Bindings, binding => binding.GetProperty("type").GetString() == "durableClient");
    }

    [Fact]
    public void Web_PubSub_triggers_cover_the_system_events_and_every_client_event_on_FedNs_hub()
    {
        var hub = _functions.Where(f => Kind(f.Trigger) == "webPubSubTrigger")
            .Select(f => (Hub: f.Trigger.GetProperty("hub").GetString(), Type: f.Trigger.GetProperty("eventType").GetString(), Event: f.Trigger.GetProperty("eventName").GetString()!))
            .ToList();

        Assert.All(hub, trigger => Assert.Equal(WebPubSubProtocol.DefaultHub, trigger.Hub));
        Assert.Equal(["connect", "connected", "disconnected"], hub.Where(t => t.Type == "System").Select(t => t.Event).Order());
        Assert.Equal(Sorted(ClientEvents.All), Sorted(hub.Where(t => t.Type == "User").Select(t => t.Event)));
    }

    [Fact]
    public void The_liveness_timer_runs_every_sweep_interval()
    {
        var timer = Assert.Single(_functions, f => Kind(f.Trigger) == "timerTrigger");

        Assert.Equal($"*/{(int)FedN.Channel.ClientLiveness.SweepInterval.TotalSeconds} * * * * *", timer.Trigger.GetProperty("schedule").GetString());
    }

    [Fact]
    public void The_extension_bundle_the_Sdk_built_holds_the_Durable_extension()
    {
        var extensions = ReadAppFile("extensions.json").GetProperty("extensions").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();

        Assert.Contains("DurableTask", extensions);
        Assert.True(File.Exists(Path.Combine(FunctionsAppDirectory, ".azurefunctions", "Microsoft.Azure.WebJobs.Extensions.DurableTask.dll")), "the Sdk's WorkerExtensions build left no Durable extension for the host");
    }

    private static string Kind(JsonElement trigger) => trigger.GetProperty("type").GetString()!;

    private IEnumerable<string> Named(string trigger) => _functions.Where(f => Kind(f.Trigger) == trigger).Select(f => f.Function);

    private static List<string> Sorted(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];
}
