using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Azure.Functions.Worker.Extensions.Abstractions
{
    /// <summary>Facade (Extensions.Abstractions): base of every binding attribute.</summary>
    public abstract class BindingAttribute : Attribute
    {
    }

    /// <summary>Facade: base of trigger attributes.</summary>
    public abstract class TriggerBindingAttribute : BindingAttribute
    {
    }

    /// <summary>Facade: base of input binding attributes.</summary>
    public abstract class InputBindingAttribute : BindingAttribute
    {
    }
}

namespace Microsoft.Azure.Functions.Worker
{
    /// <summary>Facade (Worker.Core): marks a method as a function named <c>name</c>.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class FunctionAttribute : Attribute
    {
        public FunctionAttribute(string name) => throw FacadeException.Create();

        public string Name => throw FacadeException.Create();
    }

    /// <summary>Facade (Worker.Core): the invocation's context.</summary>
    public abstract class FunctionContext
    {
        public abstract string InvocationId { get; }

        public abstract IServiceProvider InstanceServices { get; set; }

        public virtual CancellationToken CancellationToken => throw FacadeException.Create();
    }

    /// <summary>Facade (Extensions.Http).</summary>
    public enum AuthorizationLevel
    {
        Anonymous,
        User,
        Function,
        System,
        Admin,
    }

    /// <summary>Facade (Extensions.Http): an HTTP trigger.</summary>
    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class HttpTriggerAttribute : Extensions.Abstractions.TriggerBindingAttribute
    {
        public HttpTriggerAttribute(AuthorizationLevel authLevel, params string[] methods) => throw FacadeException.Create();

        public string? Route { get; set; }

        public string[]? Methods => throw FacadeException.Create();

        public AuthorizationLevel AuthLevel => throw FacadeException.Create();
    }

    /// <summary>Facade (Extensions.Timer): a timer trigger on an NCRONTAB schedule.</summary>
    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class TimerTriggerAttribute : Extensions.Abstractions.TriggerBindingAttribute
    {
        public TimerTriggerAttribute(string schedule) => throw FacadeException.Create();

        public string Schedule => throw FacadeException.Create();

        public bool RunOnStartup { get; set; }

        public bool UseMonitor { get; set; }
    }

    /// <summary>Facade (Extensions.Timer): what a timer trigger receives.</summary>
    public class TimerInfo
    {
        public bool IsPastDue { get; set; }
    }

    internal static class FacadeException
    {
        public static NotSupportedException Create() => new("Functions worker facade: compile-only, never executed");
    }
}

namespace Microsoft.Azure.Functions.Worker.Builder
{
    /// <summary>Facade (Worker): the application builder.</summary>
    public class FunctionsApplicationBuilder : IHostApplicationBuilder
    {
        internal FunctionsApplicationBuilder() => throw FacadeException.Create();

        public IDictionary<object, object> Properties => throw FacadeException.Create();

        IConfigurationManager IHostApplicationBuilder.Configuration => throw FacadeException.Create();

        public ConfigurationManager Configuration => throw FacadeException.Create();

        public IHostEnvironment Environment => throw FacadeException.Create();

        public ILoggingBuilder Logging => throw FacadeException.Create();

        public IMetricsBuilder Metrics => throw FacadeException.Create();

        public IServiceCollection Services => throw FacadeException.Create();

        public IHost Build() => throw FacadeException.Create();

        public void ConfigureContainer<TContainerBuilder>(IServiceProviderFactory<TContainerBuilder> factory, Action<TContainerBuilder>? configure = null)
            where TContainerBuilder : notnull => throw FacadeException.Create();
    }

    /// <summary>Facade (Worker): creates the application builder.</summary>
    public static class FunctionsApplication
    {
        public static FunctionsApplicationBuilder CreateBuilder(string[] args) => throw FacadeException.Create();
    }
}

namespace Microsoft.Extensions.Hosting
{
    /// <summary>Facade (Extensions.Http.AspNetCore): ASP.NET Core integration.</summary>
    public static class FunctionsApplicationBuilderAspNetCoreExtensions
    {
        public static Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder ConfigureFunctionsWebApplication(this Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder builder) => throw Microsoft.Azure.Functions.Worker.FacadeException.Create();
    }
}
