using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace SfaMirror.Server.Observability;

/// <summary>Maps <c>/metrics</c> (Prometheus text format; behind <c>Relay:MetricsToken</c> when set) and <c>/readyz</c> (JSON; 503 while the store cannot serve).</summary>
internal static class ObservabilityEndpointRouteBuilderExtensions
{
    /// <summary>First in the pipeline: with a management port, each listener serves only its own endpoints (404 otherwise).</summary>
    public static IApplicationBuilder UseManagementPort(this IApplicationBuilder app)
    {
        var port = app.ApplicationServices.GetRequiredService<ManagementPort>();
        if (!port.IsEnabled)
        {
            return app;
        }
        return app.Use(async (context, next) =>
        {
            if (!port.Allows(context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
        });
    }

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
