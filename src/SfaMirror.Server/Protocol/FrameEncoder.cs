using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SfaMirror.Server.Protocol;

/// <summary>
/// Encodes every server-to-client frame. Each frame is written once into a byte array that is then
/// shared by all its recipients; payloads and request ids are copied in as the raw JSON they arrived as.
/// </summary>
internal static class FrameEncoder
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Payloads are raw JSON the parser already validated; the writer must not re-check or re-escape them.
        SkipValidation = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>A relayed or stored state frame: <c>{"type","sessionId","seq","payload"[,"requestId"]}</c>.</summary>
    public static byte[] State(StateKind kind, string code, long seq, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> requestId = default)
    {
        var w = Begin(StateKinds.MessageType(kind), code);
        w.WriteNumber("seq"u8, seq);
        w.WritePropertyName("payload"u8);
        if (payload.IsEmpty) w.WriteNullValue(); else w.WriteRawValue(payload, skipInputValidation: true);
        return End(w, requestId);
    }

    public static byte[] SessionCreated(string code, string resumeToken, string memberId, ReadOnlySpan<byte> requestId)
    {
        var w = Begin(MessageTypes.SessionCreated, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("sessionId"u8, code);
        w.WriteString("role"u8, "host"u8);
        w.WriteString("resumeToken"u8, resumeToken);
        w.WriteString("memberId"u8, memberId);
        w.WriteEndObject();
        return End(w, requestId);
    }

    /// <summary>
    /// <paramref name="hostVerified"/> adds <c>hostVerified: true</c>, <paramref name="encrypted"/> <c>encryption: "e2e"</c>;
    /// without them the frame is as the original server's.
    /// </summary>
    public static byte[] SessionJoined(string code, MemberRole role, int members, string memberId, bool hostVerified, ReadOnlySpan<byte> requestId, bool encrypted = false)
    {
        var w = Begin(MessageTypes.SessionJoined, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("sessionId"u8, code);
        w.WriteString("role"u8, MemberRoles.Name(role));
        w.WriteNumber("members"u8, members);
        w.WriteString("memberId"u8, memberId);
        if (hostVerified)
        {
            w.WriteBoolean("hostVerified"u8, true);
        }
        if (encrypted)
        {
            w.WriteString("encryption"u8, "e2e"u8);
        }
        w.WriteEndObject();
        return End(w, requestId);
    }

    /// <summary>To a viewer waiting for the host to admit it (docs/protocol.md, "Admission").</summary>
    public static byte[] JoinPending(string code, string memberId, bool encrypted, ReadOnlySpan<byte> requestId)
    {
        var w = Begin(MessageTypes.JoinPending, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("sessionId"u8, code);
        w.WriteString("memberId"u8, memberId);
        if (encrypted)
        {
            w.WriteString("encryption"u8, "e2e"u8);
        }
        w.WriteEndObject();
        return End(w, requestId);
    }

    /// <summary>To the host: a viewer waits. The user agent is client text, escaped by the writer.</summary>
    public static byte[] JoinRequested(string code, string memberId, ReadOnlySpan<byte> userAgentUtf8)
    {
        var w = Begin(MessageTypes.JoinRequested, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("memberId"u8, memberId);
        w.WriteString("userAgent"u8, userAgentUtf8);
        w.WriteEndObject();
        return End(w, default);
    }

    public static byte[] JoinWithdrawn(string code, string memberId, LeaveReason reason)
    {
        var w = Begin(MessageTypes.JoinWithdrawn, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("memberId"u8, memberId);
        w.WriteString("reason"u8, Reasons.Name(reason));
        w.WriteEndObject();
        return End(w, default);
    }

    public static byte[] JoinDenied(string code, LeaveReason reason)
    {
        var w = Begin(MessageTypes.JoinDenied, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("reason"u8, Reasons.DeniedName(reason));
        w.WriteEndObject();
        return End(w, default);
    }

    /// <summary>A signal to one member: <paramref name="data"/> is the raw JSON the sender wrote.</summary>
    public static byte[] Signal(string code, string fromMemberId, ReadOnlySpan<byte> data)
    {
        var w = Begin(MessageTypes.Signal, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("from"u8, fromMemberId);
        w.WritePropertyName("data"u8);
        w.WriteRawValue(data, skipInputValidation: true);
        w.WriteEndObject();
        return End(w, default);
    }

    public static byte[] JoinLink(string code, string joinKey, DateTimeOffset expiresAt, int uses, ReadOnlySpan<byte> requestId)
    {
        var w = Begin(MessageTypes.JoinLink, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("joinKey"u8, joinKey);
        w.WriteString("expiresAt"u8, expiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteNumber("uses"u8, uses);
        w.WriteEndObject();
        return End(w, requestId);
    }

    /// <summary>The answer to a host control or signal that asked for one: <c>ACK {}</c>, or <c>{locked}</c> after a lock.</summary>
    public static byte[] AckDone(string code, bool? locked, ReadOnlySpan<byte> requestId)
    {
        var w = Begin(MessageTypes.Ack, code);
        w.WriteStartObject("payload"u8);
        if (locked is { } value)
        {
            w.WriteBoolean("locked"u8, value);
        }
        w.WriteEndObject();
        return End(w, requestId);
    }

    public static byte[] PeerJoined(string code, MemberRole role, int members, string memberId)
    {
        var w = Begin(MessageTypes.PeerJoined, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("role"u8, MemberRoles.Name(role));
        w.WriteNumber("members"u8, members);
        w.WriteString("memberId"u8, memberId);
        w.WriteEndObject();
        return End(w, default);
    }

    public static byte[] PeerLeft(string code, MemberRole role, int members, LeaveReason reason, string memberId)
    {
        var w = Begin(MessageTypes.PeerLeft, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("role"u8, MemberRoles.Name(role));
        w.WriteNumber("members"u8, members);
        w.WriteString("reason"u8, Reasons.Name(reason));
        w.WriteString("memberId"u8, memberId);
        w.WriteEndObject();
        return End(w, default);
    }

    public static byte[] SessionLeft(string code, ReadOnlySpan<byte> requestId) =>
        End(Begin(MessageTypes.SessionLeft, code), requestId);

    public static byte[] SessionEnded(string code, EndReason reason, ReadOnlySpan<byte> requestId)
    {
        var w = Begin(MessageTypes.SessionEnded, code);
        w.WriteStartObject("payload"u8);
        w.WriteString("reason"u8, Reasons.Name(reason));
        w.WriteEndObject();
        return End(w, requestId);
    }

    public static byte[] AckDelivered(string code, int delivered, ReadOnlySpan<byte> requestId)
    {
        var w = Begin(MessageTypes.Ack, code);
        w.WriteStartObject("payload"u8);
        w.WriteNumber("delivered"u8, delivered);
        w.WriteEndObject();
        return End(w, requestId);
    }

    public static byte[] AckNotFound(string code, ReadOnlySpan<byte> requestId)
    {
        var w = Begin(MessageTypes.Ack, code);
        w.WriteStartObject("payload"u8);
        w.WriteBoolean("found"u8, false);
        w.WriteEndObject();
        return End(w, requestId);
    }

    public static byte[] Pong(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> requestId)
    {
        var w = Begin(MessageTypes.Pong, null);
        if (!payload.IsEmpty)
        {
            w.WritePropertyName("payload"u8);
            w.WriteRawValue(payload, skipInputValidation: true);
        }
        return End(w, requestId);
    }

    public static byte[] Error(string errorCode, string message, string? sessionId, ReadOnlySpan<byte> requestId)
    {
        var w = Begin(MessageTypes.Error, sessionId);
        w.WriteStartObject("payload"u8);
        w.WriteString("message"u8, message);
        w.WriteString("code"u8, errorCode);
        w.WriteEndObject();
        return End(w, requestId);
    }

    private static Utf8JsonWriter Begin(string type, string? sessionId)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var w = t_writer;
        if (w is null)
        {
            w = t_writer = new Utf8JsonWriter(buffer, WriterOptions);
        }
        else
        {
            w.Reset(buffer);
        }
        w.WriteStartObject();
        w.WriteString("type"u8, type);
        if (sessionId is not null)
        {
            w.WriteString("sessionId"u8, sessionId);
        }
        return w;
    }

    private static byte[] End(Utf8JsonWriter w, ReadOnlySpan<byte> requestId)
    {
        if (!requestId.IsEmpty)
        {
            w.WritePropertyName("requestId"u8);
            w.WriteRawValue(requestId, skipInputValidation: true);
        }
        w.WriteEndObject();
        w.Flush();
        var bytes = t_buffer!.WrittenSpan.ToArray();
        if (t_buffer.Capacity > 256 * 1024)
        {
            // Do not keep a huge buffer alive on a thread after one large payload went through.
            t_buffer = null;
            t_writer = null;
        }
        return bytes;
    }
}
