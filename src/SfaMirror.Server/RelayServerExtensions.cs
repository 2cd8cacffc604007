using SfaMirror.Server.Admin;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Sessions;
using SfaMirror.Server.Transport;
using SfaMirror.Server.Observability;
using SfaMirror.Server.WebConsole;

namespace SfaMirror.Server;

/// <summary>
/// The whole server in two calls, used by Program and by the test hosts alike, so that what the tests
/// start is exactly what production runs: the relay, observability, the admin page and the browser console.
/// </summary>
internal static class RelayServerExtensions
{
    public static IServiceCollection AddRelayServer(this IServiceCollection services, IConfiguration configuration)
    {
        // Lower layers first: hosted services stop in reverse order (the transport closes connections before
        // the backplane lets go of Redis).
        services.AddObservability(configuration);
        services.AddBackplane(configuration);
        services.AddSessions(configuration);
        services.AddTransport(configuration);
        services.AddAdmin(configuration);
        services.AddConsole();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolver = HttpJsonContext.Default);
        return services;
    }

    public static WebApplication MapRelayServer(this WebApplication app)
    {
        app.UseManagementPort();
        app.MapRelayWebSocket();
        app.MapObservability();
        app.MapAdmin();
        app.MapConsole();
        return app;
    }
}
