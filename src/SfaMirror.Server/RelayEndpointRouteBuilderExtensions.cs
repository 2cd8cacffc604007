using Microsoft.AspNetCore.Http.Features;
using SfaMirror.Server.Transport;

namespace SfaMirror.Server;

/// <summary>Maps the relay's WebSocket endpoints (<c>/</c> and <c>/ws</c>) and its health endpoint.</summary>
public static class RelayEndpointRouteBuilderExtensions
{
    public static WebApplication UseRelay(this WebApplication app)
    {
        // Before UseWebSockets, which captures the upgrade feature: see KestrelOwnedStream for why.
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            {
                context.Features.Set<IHttpUpgradeFeature>(new KestrelOwnedUpgradeFeature(upgrade));
            }
            return next(context);
        });
        app.UseWebSockets();
        // The apps connect to ws://host:3000 (path "/"); "/ws" is accepted too. A plain GET falls through.
        app.Use(async (context, next) =>
        {
            if (context.WebSockets.IsWebSocketRequest && context.Request.Path.Value is "/" or "/ws" or "")
            {
                await context.RequestServices.GetRequiredService<RelayWebSocketEndpoint>().HandleAsync(context);
                return;
            }
            await next(context);
        });
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
