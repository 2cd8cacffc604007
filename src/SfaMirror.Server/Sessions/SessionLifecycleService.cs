using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Backplane;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Sessions;

/// <summary>
/// Runs the session lifecycle: deletes empty sessions after their grace period, ends idle ones
/// (<c>expired</c>), and logs a summary of live sessions and connections every <c>SummaryIntervalSeconds</c>.
/// </summary>
internal sealed partial class SessionLifecycleService(
    ISessionStore store,
    RelayMetrics metrics,
    IOptions<SessionOptions> options,
    IOptions<StoreOptions> storeOptions,
    TimeProvider time,
    ILogger<SessionLifecycleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(storeOptions.Value.SweepIntervalSeconds), time);
        var nextSummary = time.GetUtcNow() + TimeSpan.FromSeconds(o.SummaryIntervalSeconds);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var now = time.GetUtcNow();
                var swept = await store.SweepAsync(now, stoppingToken).ConfigureAwait(false);
                foreach (var code in swept.Deleted)
                {
                    Log.SessionDeleted(logger, code);
                }
                foreach (var code in swept.Expired)
                {
                    metrics.SessionEnded();
                    Log.SessionExpired(logger, code);
                }
                var stats = await store.GetStatsAsync(stoppingToken).ConfigureAwait(false);
                metrics.LiveSessions = stats.Sessions;
                metrics.LiveMembers = stats.Members;
                if (now >= nextSummary)
                {
                    nextSummary = now + TimeSpan.FromSeconds(o.SummaryIntervalSeconds);
                    Log.Summary(logger, stats.Sessions, stats.Members, (int)metrics.OpenConnections);
                }
            }
            catch (StoreUnavailableException ex)
            {
                Log.SweepSkipped(logger, ex.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.SessionDeleted, LogLevel.Information, "Session {SessionId} deleted after its empty grace period")]
        public static partial void SessionDeleted(ILogger logger, string sessionId);

        [LoggerMessage(EventIds.SessionExpired, LogLevel.Information, "Session {SessionId} ended (expired)")]
        public static partial void SessionExpired(ILogger logger, string sessionId);

        [LoggerMessage(EventIds.SessionSummary, LogLevel.Information, "Live: {Sessions} sessions, {Members} members, {Connections} connections on this node")]
        public static partial void Summary(ILogger logger, int sessions, int members, int connections);

        [LoggerMessage(EventIds.SweepSkipped, LogLevel.Warning, "Lifecycle sweep skipped, session store unavailable: {Reason}")]
        public static partial void SweepSkipped(ILogger logger, string reason);
    }
}
