using System.Text;

namespace SfaMirror.Server.Protocol;

/// <summary>
/// Reads the message type back out of a frame made by <see cref="FrameEncoder"/>, for the per-type
/// "messages sent" metric. A frame is encoded once and shared by its recipients, so the type is counted
/// where each copy is written, and this returns one of a fixed set of constant strings (never text taken
/// from the frame), which keeps the metric's tag set small.
/// </summary>
public static class FrameTypes
{
    private const string Other = "OTHER";

    // Every frame FrameEncoder writes starts with exactly this: {"type":"
    private static ReadOnlySpan<byte> Prefix => "{\"type\":\""u8;

    private static readonly (byte[] Utf8, string Name)[] Known = [.. new[]
    {
        MessageTypes.ViewCustomer, MessageTypes.ViewProduct, MessageTypes.SessionCreated, MessageTypes.SessionJoined,
        MessageTypes.PeerJoined, MessageTypes.PeerLeft, MessageTypes.SessionLeft, MessageTypes.SessionEnded,
        MessageTypes.Ack, MessageTypes.Pong, MessageTypes.Error,
    }.Select(name => (Encoding.UTF8.GetBytes(name + "\""), name))];

    public static string Of(ReadOnlySpan<byte> frame)
    {
        if (!frame.StartsWith(Prefix))
        {
            return Other;
        }
        var rest = frame[Prefix.Length..];
        foreach (var (utf8, name) in Known)
        {
            if (rest.StartsWith(utf8))
            {
                return name;
            }
        }
        return Other;
    }
}
