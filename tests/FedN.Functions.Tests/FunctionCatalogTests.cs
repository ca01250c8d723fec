using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using FedN.Api;
using FedN.Core.Messaging;
using FedN.Orchestration;
using FedN.Reducer;

namespace FedN.Functions.Tests;

/// <summary>
/// The Functions app's triggers, read from its built assembly as metadata (nothing of it runs): every
/// orchestrator and activity the reducer registers has exactly one function of that name and kind, and
/// the HTTP, Web PubSub and timer triggers are where the rest of FedN expects them.
/// </summary>
public sealed class FunctionCatalogTests : IDisposable
{
    private readonly MetadataLoadContext _metadata;
    private readonly List<(string Function, string Trigger, IList<CustomAttributeTypedArgument> Arguments, IList<CustomAttributeNamedArgument> Named)> _functions;

    public FunctionCatalogTests()
    {
        var directory = FunctionsAppDirectory;
        var assemblies = Directory.GetFiles(directory, "*.dll")
            .Concat(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
            .Concat(Directory.GetFiles(Path.GetDirectoryName(typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly.Location)!, "*.dll"));
        _metadata = new MetadataLoadContext(new PathAssemblyResolver(assemblies));
        var app = _metadata.LoadFromAssemblyPath(Path.Combine(directory, "FedN.Functions.dll"));
        _functions = [.. app.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Function: method.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType.Name == "FunctionAttribute")))
            .Where(found => found.Function is not null)
            .Select(found =>
            {
                var trigger = found.Method.GetParameters().SelectMany(p => p.GetCustomAttributesData()).Single(a => a.AttributeType.Name.EndsWith("TriggerAttribute", StringComparison.Ordinal));
                return ((string)found.Function!.ConstructorArguments[0].Value!, trigger.AttributeType.Name, trigger.ConstructorArguments, trigger.NamedArguments);
            })];
    }

    private static string FunctionsAppDirectory =>
        typeof(FunctionCatalogTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsAppDirectory").Value!;

    public void Dispose() => _metadata.Dispose();

    private static string? RoutePrefix() =>
        HostFiles.Read("host.json").GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();

    [Fact]
    public void Every_orchestrator_and_activity_has_exactly_one_function_of_its_name_and_kind()
    {
        var catalog = new OrchestrationCatalog().AddReducer(new ReducerStores(null!, null!, null!, null!));

        Assert.Equal(Sorted(catalog.OrchestratorNames), Sorted(Named("OrchestrationTriggerAttribute")));
        Assert.Equal(Sorted(catalog.ActivityNames), Sorted(Named("ActivityTriggerAttribute")));
        Assert.Equal(Sorted(ReducerNames.Activities), Sorted(catalog.ActivityNames));
        Assert.Equal(Sorted(ReducerNames.Orchestrators), Sorted(catalog.OrchestratorNames));
        Assert.Equal(_functions.Count, _functions.Select(f => f.Function).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void The_http_trigger_serves_the_apis_base_path_under_host_jsons_route_prefix()
    {
        var http = Assert.Single(_functions, f => f.Function == "api");
        var route = (string)http.Named.Single(a => a.MemberName == "Route").TypedValue.Value!;

        Assert.Equal("HttpTriggerAttribute", http.Trigger);
        Assert.Equal(ControlPlaneApi.BasePath + "/{*path}", $"/{RoutePrefix()}/{route}");
        Assert.Equal(0, (int)http.Arguments[0].Value!); // AuthorizationLevel.Anonymous: FedN checks its own bearer tokens.
    }

    [Fact]
    public void The_dashboard_is_served_read_only_next_to_the_api_and_ships_in_the_app()
    {
        var dashboard = Assert.Single(_functions, f => f.Function == "dashboard");
        var route = (string)dashboard.Named.Single(a => a.MemberName == "Route").TypedValue.Value!;
        var methods = ((IReadOnlyCollection<CustomAttributeTypedArgument>)dashboard.Arguments[1].Value!).Select(method => (string)method.Value!);

        Assert.Equal("HttpTriggerAttribute", dashboard.Trigger);
        Assert.Equal("dashboard/{*path}", route);
        Assert.Equal(["get"], methods);
        Assert.Equal(0, (int)dashboard.Arguments[0].Value!); // The files hold no data; the API behind them needs the admin token.
        Assert.Equal(2, _functions.Count(f => f.Trigger == "HttpTriggerAttribute"));
        Assert.True(File.Exists(Path.Combine(FunctionsAppDirectory, "dashboard", "index.html")), "the Functions app's output has no dashboard: run scripts/build-dashboard.sh before building");
    }

    [Fact]
    public void Web_PubSub_triggers_cover_the_system_events_and_every_client_event_on_FedNs_hub()
    {
        var hub = _functions.Where(f => f.Trigger == "WebPubSubTriggerAttribute")
            .Select(f => ((string)f.Arguments[0].Value!, (int)f.Arguments[1].Value!, (string)f.Arguments[2].Value!))
            .ToList();

        Assert.All(hub, trigger => Assert.Equal(WebPubSubProtocol.DefaultHub, trigger.Item1));
        Assert.Equal(["connect", "connected", "disconnected"], hub.Where(t => t.Item2 == 0).Select(t => t.Item3).Order());
        Assert.Equal(Sorted(ClientEvents.All), Sorted(hub.Where(t => t.Item2 == 1).Select(t => t.Item3)));
    }

    [Fact]
    public void The_liveness_timer_runs_every_sweep_interval()
    {
        var timer = Assert.Single(_functions, f => f.Trigger == "TimerTriggerAttribute");

        Assert.Equal($"*/{(int)FedN.Channel.ClientLiveness.SweepInterval.TotalSeconds} * * * * *", timer.Arguments[0].Value);
    }

    private IEnumerable<string> Named(string trigger) => _functions.Where(f => f.Trigger == trigger).Select(f => f.Function);

    private static List<string> Sorted(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];
}
