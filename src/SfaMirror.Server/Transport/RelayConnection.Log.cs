using Microsoft.Extensions.Logging;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Transport;

internal sealed partial class RelayConnection
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.ReceiveEnded, LogLevel.Debug, "Connection {ConnectionId} receive ended: {Kind} {Detail}")]
        public static partial void ReceiveEnded(ILogger logger, long connectionId, string kind, string detail);

        [LoggerMessage(EventIds.MessageTooBig, LogLevel.Information, "Connection {ConnectionId} sent a message over {MaxMessageBytes} bytes; closing with 1009")]
        public static partial void MessageTooBig(ILogger logger, long connectionId, int maxMessageBytes);

        [LoggerMessage(EventIds.SlowConsumer, LogLevel.Warning, "Connection {ConnectionId} is too far behind ({QueuedBytes} bytes queued); closing with 1013")]
        public static partial void SlowConsumer(ILogger logger, long connectionId, long queuedBytes);

        [LoggerMessage(EventIds.SendTimedOut, LogLevel.Warning, "Connection {ConnectionId} accepted no write for {Seconds} s; closing")]
        public static partial void SendTimedOut(ILogger logger, long connectionId, double seconds);

        [LoggerMessage(EventIds.KeepAliveTimedOut, LogLevel.Information, "Connection {ConnectionId} answered no ping for {Seconds} s; dropping it")]
        public static partial void KeepAliveTimedOut(ILogger logger, long connectionId, double seconds);

        [LoggerMessage(EventIds.ProtocolViolation, LogLevel.Information, "Connection {ConnectionId} broke the WebSocket protocol ({Violation}); closing with {CloseStatus}")]
        public static partial void ProtocolViolation(ILogger logger, long connectionId, string violation, int closeStatus);

        [LoggerMessage(EventIds.HandlerFailed, LogLevel.Error, "Connection {ConnectionId} close handling failed")]
        public static partial void HandlerFailed(ILogger logger, long connectionId, Exception exception);
    }
}
