using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Backplane;

namespace SfaMirror.Server.Transport;

/// <summary>The WebSocket transport: Kestrel's setup, the connection endpoint, timeouts and graceful shutdown.</summary>
internal static class TransportServiceCollectionExtensions
{
    public static IServiceCollection AddTransport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TransportOptions>().Bind(configuration.GetSection(RelaySection.Name)).ValidateOnStart()
            .Validate(o => o.KeepAliveTimeoutSeconds >= o.KeepAliveIntervalSeconds, "KeepAliveTimeoutSeconds must be at least KeepAliveIntervalSeconds")
            .Validate(o => o.MaxQueuedBytes > o.CoalesceAboveBytes, "MaxQueuedBytes must be larger than CoalesceAboveBytes")
            .Validate(o => TrustedProxies.AreValid(o.KnownProxies, o.KnownNetworks), "KnownProxies must list IP addresses and KnownNetworks CIDR networks, comma-separated")
            .Validate(o => AllowedOrigins.AreValid(o.AllowedOrigins), "AllowedOrigins must list origins (https://app.example.com or https://*.example.com), comma-separated");
        services.AddSingleton<IValidateOptions<TransportOptions>, TransportOptionsValidator>();
        services.AddSingleton<ConnectionTracker>();
        services.AddSingleton<INodeLeaseListener>(sp => sp.GetRequiredService<ConnectionTracker>());
        services.AddSingleton<UpgradeAdmission>();
        services.AddSingleton<RelayWebSocketEndpoint>();
        services.AddSingleton<RelayKestrelSetup>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(sp => sp.GetRequiredService<RelayKestrelSetup>());
        services.AddSingleton<IConfigureOptions<SocketTransportOptions>>(sp => sp.GetRequiredService<RelayKestrelSetup>());
        services.AddHostedService<GracefulShutdown>();
        services.AddHostedService<ConnectionTimeouts>();
        return services;
    }
}
