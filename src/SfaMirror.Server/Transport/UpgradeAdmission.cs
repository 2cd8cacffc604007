using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Transport;

/// <summary>
/// Whether a valid upgrade may become a connection, decided before any WebSocket state is made, the same on
/// both upgrade paths: who the client is (<see cref="TrustedProxies"/>), whether its page's origin is allowed
/// (403), and the connection limits (429 per address, 503 for the node, with <c>Retry-After</c>).
/// </summary>
internal sealed partial class UpgradeAdmission(IOptions<TransportOptions> options, RelayMetrics metrics, RefusedAddresses refused, ILogger<UpgradeAdmission> logger)
    : IAsyncDisposable
{
    private readonly TrustedProxies _proxies = new(options.Value.KnownProxies, options.Value.KnownNetworks);
    private readonly AllowedOrigins _origins = new(options.Value.AllowedOrigins);
    private readonly ConnectionLimits _limits = new(options.Value);

    public Admission Admit(IPAddress peer, in UpgradeRequest request)
    {
        var client = AddressKey.Of(_proxies.Resolve(peer, request.ForwardedFor, request.Forwarded));
        if (!_origins.IsAllowed(request.Origin))
        {
            return Refuse(client, 403, 0, "origin");
        }
        var lease = _limits.TryAcquire(client, out var statusCode, out var retryAfter, out var limit);
        return lease is null ? Refuse(client, statusCode, retryAfter, limit!) : new Admission(client, 0, 0, lease);
    }

    private Admission Refuse(string client, int statusCode, int retryAfterSeconds, string limit)
    {
        metrics.ConnectionRefused(limit);
        if (refused.Record(client))
        {
            Log.Refused(logger, client, statusCode, limit);
        }
        return new Admission(client, statusCode, retryAfterSeconds, null);
    }

    public ValueTask DisposeAsync() => _limits.DisposeAsync();

    private static partial class Log
    {
        [LoggerMessage(EventIds.ConnectionRefused, LogLevel.Warning, "Upgrades from {ClientAddress} are refused with {StatusCode} ({Limit}); logged once a minute per address")]
        public static partial void Refused(ILogger logger, string clientAddress, int statusCode, string limit);
    }
}
