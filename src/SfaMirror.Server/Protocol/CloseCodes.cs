using System.Net.WebSockets;

namespace SfaMirror.Server.Protocol;

/// <summary>The WebSocket close codes the relay uses, with the reason text each carries.</summary>
internal static class CloseCodes
{
    public const WebSocketCloseStatus ProtocolError = WebSocketCloseStatus.ProtocolError;            // 1002
    public const WebSocketCloseStatus MessageTooBig = WebSocketCloseStatus.MessageTooBig;            // 1009
    public const WebSocketCloseStatus InvalidPayload = WebSocketCloseStatus.InvalidPayloadData;     // 1007
    public const WebSocketCloseStatus PolicyViolation = WebSocketCloseStatus.PolicyViolation;       // 1008
    public const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;
    public const WebSocketCloseStatus HostResumedElsewhere = (WebSocketCloseStatus)4000;

    public static string Reason(WebSocketCloseStatus status) => (int)status switch
    {
        1002 => "protocol error",
        1009 => "message too big",
        1007 => "invalid utf-8",
        1008 => "rate limit exceeded",
        1012 => "service restart",
        1013 => "slow consumer",
        4000 => "host resumed elsewhere",
        _ => "closing",
    };
}
