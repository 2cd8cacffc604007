using Microsoft.Extensions.Diagnostics.HealthChecks;
using SfaMirror.Server.Backplane;

namespace SfaMirror.Server.Observability;

/// <summary>Ready only while the session store can serve (always in memory; Redis reachable with Redis).</summary>
internal sealed class SessionStoreHealthCheck(ISessionStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
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
