using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace SfaMirror.Server.Observability;

/// <summary>Maps <c>/metrics</c> (Prometheus text format; behind <c>Relay:MetricsToken</c> when set) and <c>/readyz</c> (JSON; 503 while the store cannot serve).</summary>
internal static class ObservabilityEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (!context.RequestServices.GetRequiredService<MetricsToken>().Admits(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return;
            }
            await next(context);
        }), optionsName: null);
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ObservabilityServiceCollectionExtensions.ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        return endpoints;
    }
}
