using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Backplane.InMemory;
using SfaMirror.Server.Backplane.Redis;
using SfaMirror.Server.Observability;
using SfaMirror.Server.Sessions;
using SfaMirror.Server.Transport;

namespace SfaMirror.Server;

/// <summary>Registers the relay: options, transport, sessions, the backplane and observability.</summary>
internal static class RelayServiceCollectionExtensions
{
    public static IServiceCollection AddRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RelayOptions>()
            .Bind(configuration.GetSection(RelayOptions.SectionName))
            .Validate(o => o.KeepAliveTimeoutSeconds >= o.KeepAliveIntervalSeconds, "KeepAliveTimeoutSeconds must be at least KeepAliveIntervalSeconds")
            .Validate(o => o.MaxQueuedBytes > o.CoalesceAboveBytes, "MaxQueuedBytes must be larger than CoalesceAboveBytes")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RelayOptions>, RelayOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RelayMetrics>();
        services.AddSingleton<ConnectionTracker>();
        services.AddSingleton<INodeLeaseListener>(sp => sp.GetRequiredService<ConnectionTracker>());
        services.AddSingleton<RelayWebSocketEndpoint>();
        services.AddSingleton<RelayKestrelSetup>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(sp => sp.GetRequiredService<RelayKestrelSetup>());
        services.AddSingleton<IConfigureOptions<SocketTransportOptions>>(sp => sp.GetRequiredService<RelayKestrelSetup>());
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<SessionCodeGenerator>();
        services.AddSingleton<SessionHub>();
        services.AddSingleton<PendingResumeTokens>();
        services.AddSingleton<ISessionEventSink, SessionEventDelivery>();
        services.AddSingleton<IConnectionHandlerFactory, ClientSessionFactory>();

        if (string.IsNullOrWhiteSpace(configuration[$"{RelayOptions.SectionName}:Redis"]))
        {
            services.AddSingleton<InMemorySessionStore>();
            services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<InMemorySessionStore>());
            services.AddSingleton<ISessionSubscriptions, InMemorySessionSubscriptions>();
        }
        else
        {
            services.AddRedisBackplane();
        }

        services.AddHostedService<SessionLifecycleService>();
        services.AddHostedService<GracefulShutdown>();
        services.AddHostedService<ConnectionTimeouts>();
        return services;
    }
}
