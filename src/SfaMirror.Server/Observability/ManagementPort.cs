using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace SfaMirror.Server.Observability;

/// <summary>
/// With <see cref="ManagementOptions.ManagementPort"/> set: a second Kestrel listener on the management address, which
/// serves only the operator endpoints, while the public listener answers them with 404. The split is by the port a
/// connection arrived on, so a proxy's <c>Host</c> header or path tricks cannot reach the operator side.
/// </summary>
internal sealed class ManagementPort(IOptions<ManagementOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    private static readonly PathString[] OperatorPaths = ["/metrics", "/admin", "/readyz"];
    private readonly int _port = options.Value.ManagementPort;

    public bool IsEnabled => _port != 0;

    public void Configure(KestrelServerOptions kestrel)
    {
        if (IsEnabled)
        {
            kestrel.Listen(IPAddress.Parse(options.Value.ManagementBindAddress), _port);
        }
    }

    /// <summary>Whether a connection came in on the management listener (its upgrades are not the relay's).</summary>
    public bool IsManagementConnection(EndPoint? local) => IsEnabled && local is IPEndPoint ip && ip.Port == _port;

    /// <summary>
    /// Whether the request may be served on the listener it came in on: operator endpoints only there, everything else
    /// (the relay, the console) only on the public port. <c>/healthz</c> is served on both (liveness probes).
    /// </summary>
    public bool Allows(HttpContext context)
    {
        if (!IsEnabled || context.Request.Path.StartsWithSegments("/healthz"))
        {
            return true;
        }
        var isOperatorPath = OperatorPaths.Any(p => context.Request.Path.StartsWithSegments(p));
        return isOperatorPath == (context.Connection.LocalPort == _port);
    }
}
