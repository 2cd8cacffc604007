using Microsoft.Extensions.Options;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.WebConsole;
using SfaMirror.Server.Observability;
using SfaMirror.Server.Sessions;
using SfaMirror.Server.Transport;

namespace SfaMirror.Server.Admin;

/// <summary>
/// Maps the admin page: <c>/admin</c> (the page, a login form when no token is stored) and
/// <c>/admin/api/stats</c> (JSON, Bearer token). Both answer 404 when <c>Relay:AdminToken</c> is empty.
/// </summary>
internal static class AdminExtensions
{
    /// <summary>How many sessions the page lists at most; the counts above it are always complete.</summary>
    private const int MaxListedSessions = 200;
    private const int MaxListedAddresses = 20;

    public static IServiceCollection AddAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(RelaySection.Name)).ValidateOnStart();
        services.AddSingleton<AdminToken>();
        return services;
    }

    public static WebApplication MapAdmin(this WebApplication app)
    {
        // Before the static files, so that the page's own scripts are not there either when the admin area is off.
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/admin") && !context.RequestServices.GetRequiredService<AdminToken>().IsConfigured)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
        });

        app.MapGet("/admin", (ConsoleFiles files) => files.Page("admin/index.html"));
        app.MapGet("/admin/api/stats", StatsAsync);
        return app;
    }

    private static async Task<IResult> StatsAsync(
        HttpContext context, AdminToken token, ISessionStore store, ConnectionTracker connections,
        RelayMetrics metrics, MessageRateHistory rates, NodeIdentity node, TimeProvider time, RefusedAddresses refused,
        IOptions<Sessions.SessionOptions> sessionOptions)
    {
        if (!token.IsPresentedBy(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Unauthorized();
        }
        context.Response.Headers.CacheControl = "no-store";
        try
        {
            var ct = context.RequestAborted;
            var stats = await store.GetStatsAsync(ct).ConfigureAwait(false);
            var sessions = await store.ListSessionsAsync(MaxListedSessions + 1, ct).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var denyViewers = sessionOptions.Value.ViewerUpdates == ViewerUpdates.Deny;
            var list = sessions
                .Take(MaxListedSessions)
                .OrderByDescending(s => s.LastActivity)
                .Select(s => new AdminSession(s.Code, s.Hosts, s.Viewers, (now - s.CreatedAt).TotalSeconds, (now - s.LastActivity).TotalSeconds, s.Seq, s.HostSubject,
                    s.Waiting, !SessionAccess.MayUpdate(isViewer: true, s.ViewersReadOnly, denyViewers), s.AdmitByHost, s.Locked, s.Encrypted))
                .ToList();
            var history = rates.Snapshot().Select(r => new AdminRate(r.At, Math.Round(r.In, 2), Math.Round(r.Out, 2))).ToList();
            return Results.Json(new AdminStats(node.NodeId, now, connections.Count, stats.Sessions, stats.Members,
                connections.Snapshot().Sum(c => c.QueuedBytes), metrics.MessagesReceivedTotal, metrics.MessagesSentTotal,
                history, list, sessions.Count > MaxListedSessions,
                [.. refused.Top(MaxListedAddresses).Select(r => new AdminRefusedAddress(r.Address, r.Refusals))]), HttpJsonContext.Default.AdminStats);
        }
        catch (StoreUnavailableException)
        {
            return Results.Problem("Session store unavailable", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
