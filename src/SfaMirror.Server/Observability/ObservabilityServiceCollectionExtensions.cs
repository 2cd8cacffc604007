using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace SfaMirror.Server.Observability;

/// <summary>Registers metrics export (OpenTelemetry, Prometheus format), readiness checks and the message-rate sampler.</summary>
internal static class ObservabilityServiceCollectionExtensions
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(RelaySection.Name));
        services.AddSingleton<MetricsToken>();
        services.AddOptions<ManagementOptions>().Bind(configuration.GetSection(RelaySection.Name)).ValidateOnStart()
            .Validate(o => ManagementOptions.IsValidAddress(o.ManagementBindAddress), "ManagementBindAddress must be an IP address");
        services.AddSingleton<IValidateOptions<ManagementOptions>, ManagementOptionsValidator>();
        services.AddSingleton<ManagementPort>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(sp => sp.GetRequiredService<ManagementPort>());
        services.AddSingleton<RelayMetrics>();
        services.AddSingleton<RefusedAddresses>();
        // The relay's own meter only: ASP.NET Core's and the runtime's meters would multiply the scrape
        // size without telling an operator anything about sessions.
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("sfa-mirror-relay"))
            .WithMetrics(metrics => metrics
                .AddMeter(RelayMetrics.MeterName)
                .AddPrometheusExporter());

        services.AddHealthChecks()
            .AddCheck<SessionStoreHealthCheck>("session-store", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3));

        services.AddSingleton<MessageRateHistory>();
        services.AddHostedService<MessageRateSampler>();
        return services;
    }
}
