using Microsoft.Extensions.Diagnostics.HealthChecks;
using SfaMirror.Server.Backplane;

namespace SfaMirror.Server.Observability;

/// <summary>
/// Ready only while the session store can serve (always in memory; Redis reachable with Redis), and not
/// once shutdown has begun, so that a load balancer stops sending new clients to a node that is closing.
/// </summary>
internal sealed class SessionStoreHealthCheck(ISessionStore store, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("shutting down");
        }
        try
        {
            return await store.IsAvailableAsync(cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy("session store available")
                : HealthCheckResult.Unhealthy("session store unavailable");
        }
        catch (Exception ex) when (ex is StoreUnavailableException or TimeoutException)
        {
            // The exception's message may name hosts; the readiness answer is public, so keep it generic.
            return HealthCheckResult.Unhealthy("session store unavailable");
        }
    }
}
