using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace SfaMirror.Server.Observability;

/// <summary>Maps <c>/metrics</c> (Prometheus text format) and <c>/readyz</c> (JSON; 503 while the store cannot serve).</summary>
internal static class ObservabilityEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ObservabilityServiceCollectionExtensions.ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        return endpoints;
    }
}
