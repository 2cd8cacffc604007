using System.Text;

namespace SfaMirror.Server.Protocol;

/// <summary>
/// Reads the message type back out of a frame made by <see cref="FrameEncoder"/>, for the per-type
/// "messages sent" metric. A frame is encoded once and shared by its recipients, so the type is counted
/// where each copy is written, and this returns one of a fixed set of constant strings (never text taken
/// from the frame), which keeps the metric's tag set small.
/// </summary>
internal static class FrameTypes
{
    private const string Other = "OTHER";

    // Every frame FrameEncoder writes starts with exactly this: {"type":"
    private static ReadOnlySpan<byte> Prefix => "{\"type\":\""u8;

    private static readonly string[] KnownNames =
    [
        MessageTypes.ViewCustomer, MessageTypes.ViewProduct, MessageTypes.SessionCreated, MessageTypes.SessionJoined,
        MessageTypes.PeerJoined, MessageTypes.PeerLeft, MessageTypes.SessionLeft, MessageTypes.SessionEnded,
        MessageTypes.Ack, MessageTypes.Pong, MessageTypes.Error, MessageTypes.JoinPending, MessageTypes.JoinRequested,
        MessageTypes.JoinWithdrawn, MessageTypes.JoinDenied, MessageTypes.Signal, MessageTypes.JoinLink,
    ];

    private static readonly byte[][] KnownUtf8 = [.. KnownNames.Select(name => Encoding.UTF8.GetBytes(name + "\""))];

    /// <summary>Every name <see cref="Of"/> can return; <see cref="IndexOf"/> indexes it.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. KnownNames, Other];

    public static string Of(ReadOnlySpan<byte> frame) => Names[IndexOf(frame)];

    /// <summary>The frame's type as an index into <see cref="Names"/>, so that a count per type is an array slot.</summary>
    public static int IndexOf(ReadOnlySpan<byte> frame)
    {
        if (frame.StartsWith(Prefix))
        {
            var rest = frame[Prefix.Length..];
            for (var i = 0; i < KnownUtf8.Length; i++)
            {
                if (rest.StartsWith(KnownUtf8[i]))
                {
                    return i;
                }
            }
        }
        return KnownNames.Length;
    }
}
