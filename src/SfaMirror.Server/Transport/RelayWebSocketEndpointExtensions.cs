
namespace SfaMirror.Server.Transport;

/// <summary>Maps the relay's WebSocket endpoints (<c>/</c> and <c>/ws</c>) and its health endpoint.</summary>
internal static class RelayWebSocketEndpointExtensions
{
    public static WebApplication MapRelayWebSocket(this WebApplication app)
    {
        app.UseWebSockets();
        // The apps connect to ws://host:3000 (path "/"); "/ws" is accepted too. A plain GET falls through; an
        // upgrade, valid or not, is the endpoint's to accept or refuse.
        app.Use(async (context, next) =>
        {
            if (RelayWebSocketEndpoint.IsUpgradeRequest(context.Request))
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
