using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace SfaMirror.Server.Transport;

/// <summary>
/// The rules of RFC 6455 that a received frame's contents are checked against, in one place: which close
/// codes a peer may send (7.4) and what valid UTF-8 is (8.1), also for text that arrives in pieces.
/// </summary>
internal static class WebSocketValidation
{
    /// <summary>
    /// Codes a peer may put in its close frame: those defined for use in a frame (1000–1003, 1007–1011) and
    /// the ranges for libraries and applications (3000–4999). 1004–1006 and 1015 are reserved or must never
    /// be sent; the rest of 0–2999 is unassigned by RFC 6455, and 5000 and above is undefined.
    /// </summary>
    public static bool IsValidCloseCode(int code) => code is (>= 1000 and <= 1003) or (>= 1007 and <= 1011) or (>= 3000 and <= 4999);

    /// <summary>
    /// Checks text that may be only a first part of a message. False as soon as no continuation can make it
    /// valid. When <paramref name="final"/> is false the text may end inside a character a later part
    /// completes; <paramref name="complete"/> is then the length of the whole characters before it.
    /// </summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> text, bool final, out int complete)
    {
        if (Utf8.IsValid(text))
        {
            complete = text.Length;
            return true;
        }
        complete = 0;
        if (final)
        {
            return false;
        }
        // A character is at most 4 bytes, so an unfinished one is the last 1 to 3.
        for (var tail = 1; tail <= Math.Min(3, text.Length); tail++)
        {
            var start = text.Length - tail;
            if ((text[start] & 0xC0) == 0x80)
            {
                continue; // a continuation byte: its lead byte is further back
            }
            if (Rune.DecodeFromUtf8(text[start..], out _, out _) != OperationStatus.NeedMoreData || !Utf8.IsValid(text[..start]))
            {
                return false;
            }
            complete = start;
            return true;
        }
        return false;
    }
}
