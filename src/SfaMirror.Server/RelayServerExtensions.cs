using SfaMirror.Server.Admin;
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
        services.AddRelay(configuration);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolver = HttpJsonContext.Default);
        services.AddObservability();
        services.AddAdmin();
        services.AddConsole();
        return services;
    }

    public static WebApplication MapRelayServer(this WebApplication app)
    {
        app.UseRelay();
        app.MapObservability();
        app.MapAdmin();
        app.MapConsole();
        return app;
    }
}
