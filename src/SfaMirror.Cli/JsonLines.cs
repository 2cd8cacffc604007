using System.Buffers;
using System.Text;
using System.Text.Json;
using SfaMirror.Client;
using SfaMirror.Client.Events;

namespace SfaMirror.Cli;

/// <summary>The JSON lines the CLI prints on standard output, one object per line, each with an <c>event</c> name.</summary>
internal static class JsonLines
{
    public static string Created(SessionCreated created) => Write(w =>
    {
        w.WriteString("event", "created");
        w.WriteString("sessionId", created.SessionId);
        w.WriteString("resumeToken", created.ResumeToken);
    });

    public static string Joined(SessionJoined joined) => Write(w =>
    {
        w.WriteString("event", "joined");
        w.WriteString("sessionId", joined.SessionId);
        w.WriteString("role", joined.Role);
        w.WriteNumber("members", joined.Members);
    });

    public static string Ack(string sessionId, string kind, int delivered) => Write(w =>
    {
        w.WriteString("event", "ack");
        w.WriteString("sessionId", sessionId);
        w.WriteString("kind", kind);
        w.WriteNumber("delivered", delivered);
    });

    public static string Pong(int number, TimeSpan rtt) => Write(w =>
    {
        w.WriteString("event", "pong");
        w.WriteNumber("seq", number);
        w.WriteNumber("rttMs", Math.Round(rtt.TotalMilliseconds, 3));
    });

    public static string PingSummary(IReadOnlyList<TimeSpan> rtts) => Write(w =>
    {
        w.WriteString("event", "ping_summary");
        w.WriteNumber("count", rtts.Count);
        w.WriteNumber("minMs", Math.Round(rtts.Min().TotalMilliseconds, 3));
        w.WriteNumber("avgMs", Math.Round(rtts.Average(r => r.TotalMilliseconds), 3));
        w.WriteNumber("maxMs", Math.Round(rtts.Max().TotalMilliseconds, 3));
    });

    public static string Event(MirrorEvent item) => Write(w =>
    {
        switch (item)
        {
            case StateUpdatedEvent state:
                w.WriteString("event", state.Kind == StateKind.Customer ? "customer" : "product");
                w.WriteString("sessionId", state.SessionId);
                if (state.Seq is { } seq)
                {
                    w.WriteNumber("seq", seq);
                }
                w.WritePropertyName("payload");
                state.Payload.WriteTo(w);
                break;
            case PeerJoinedEvent joined:
                w.WriteString("event", "peer_joined");
                w.WriteString("sessionId", joined.SessionId);
                w.WriteString("role", joined.Role);
                w.WriteNumber("members", joined.Members);
                break;
            case PeerLeftEvent left:
                w.WriteString("event", "peer_left");
                w.WriteString("sessionId", left.SessionId);
                w.WriteString("role", left.Role);
                w.WriteNumber("members", left.Members);
                w.WriteString("reason", left.Reason);
                break;
            case SessionEndedEvent ended:
                w.WriteString("event", "session_ended");
                w.WriteString("sessionId", ended.SessionId);
                w.WriteString("reason", ended.Reason);
                break;
            default:
                w.WriteString("event", item.GetType().Name);
                w.WriteString("sessionId", item.SessionId);
                break;
        }
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
