using Microsoft.Extensions.Logging;
using SfaMirror.Server.Observability;

namespace SfaMirror.Server.Sessions;

internal sealed partial class ClientSession
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.MessageProcessed, LogLevel.Debug, "Connection {ConnectionId} sent {Type} for session {SessionId} ({Bytes} bytes)")]
        public static partial void MessageProcessed(ILogger logger, long connectionId, string type, string? sessionId, int bytes);

        [LoggerMessage(EventIds.SessionCreated, LogLevel.Information, "Session {SessionId} created by connection {ConnectionId}")]
        public static partial void SessionCreated(ILogger logger, string sessionId, long connectionId);

        [LoggerMessage(EventIds.SessionEnded, LogLevel.Information, "Session {SessionId} ended ({Reason})")]
        public static partial void SessionEnded(ILogger logger, string sessionId, string reason);

        [LoggerMessage(EventIds.RateLimitClose, LogLevel.Warning, "Connection {ConnectionId} passed {Strikes} refused messages in a minute; closing with 1008")]
        public static partial void RateLimitClose(ILogger logger, long connectionId, int strikes);

        [LoggerMessage(EventIds.AddressOverJoinBudget, LogLevel.Warning,
            "Address {ClientAddress} is over its failed-join budget ({Budget}): {LastMinute} failed joins in the last minute, {LastHour} in the last hour; its joins are refused")]
        public static partial void AddressOverJoinBudget(ILogger logger, string clientAddress, string budget, int lastMinute, int lastHour);

        [LoggerMessage(EventIds.HostControl, LogLevel.Information, "Session {SessionId}: its host (connection {ConnectionId}) sent {Type}")]
        public static partial void HostControl(ILogger logger, string sessionId, long connectionId, string type);

        [LoggerMessage(EventIds.HostTokenRefused, LogLevel.Information, "Connection {ConnectionId}: host token refused ({Code}: {Reason})")]
        public static partial void HostTokenRefused(ILogger logger, long connectionId, string code, string reason);

        [LoggerMessage(EventIds.StoreUnavailable, LogLevel.Warning, "Connection {ConnectionId}: {Type} failed, session store unavailable: {Reason}")]
        public static partial void StoreUnavailable(ILogger logger, long connectionId, string type, string reason);
    }
}
