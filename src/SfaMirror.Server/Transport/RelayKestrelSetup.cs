using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Transport;

/// <summary>
/// Kestrel as the relay wants it. Puts <see cref="WebSocketConnectionMiddleware"/> in front of HTTP on every Kestrel endpoint. Kestrel
/// applies endpoint defaults when an endpoint is declared, so this must run before any <c>Listen</c> call
/// of the host's own configuration (endpoints from URLs or <c>PORT</c> are declared at start and always get it).
/// </summary>
internal sealed class RelayKestrelSetup(IServiceProvider services, IOptions<TransportOptions> relay) : IConfigureOptions<KestrelServerOptions>, IConfigureOptions<SocketTransportOptions>
{
    /// <summary>See <see cref="TransportOptions.InlineIo"/>; the socket engine's half is set by <see cref="RelayHostBuilderExtensions"/>.</summary>
    public void Configure(SocketTransportOptions options)
    {
        options.UnsafePreferInlineScheduling = relay.Value.InlineIo;
    }

    public void Configure(KestrelServerOptions options)
    {
        options.ConfigureEndpointDefaults(listen => listen.Use(next => new WebSocketConnectionMiddleware(
            next,
            services.GetRequiredService<RelayWebSocketEndpoint>(),
            services.GetRequiredService<UpgradeAdmission>(),
            services.GetRequiredService<Observability.ManagementPort>()).OnConnectionAsync));
    }
}
