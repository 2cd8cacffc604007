using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Transport;

/// <summary>
/// On SIGTERM: closes every open connection with 1012 (service restart) so clients reconnect, then waits a
/// bounded time for them to go. It runs in <see cref="StoppingAsync"/>, before any hosted service stops:
/// the web server is registered last and so stops first, and by the time a plain StopAsync ran here it
/// had already torn the WebSockets down without a close frame.
/// </summary>
public sealed partial class GracefulShutdown(ConnectionTracker tracker, IOptions<RelayOptions> options, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var open = tracker.Count;
        Log.ShuttingDown(logger, open);
        foreach (var connection in tracker.Snapshot())
        {
            connection.Close(CloseCodes.ServiceRestart);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.ShutdownCloseTimeoutSeconds));
        try
        {
            while (tracker.Count > 0)
            {
                await Task.Delay(20, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Whatever is still open is cut off when the server stops.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ShuttingDown, LogLevel.Information, "Shutting down: closing {Connections} connections with 1012")]
        public static partial void ShuttingDown(ILogger logger, int connections);
    }
}
