using System.Buffers;
using System.Text;
using System.Text.Json;
using SfaMirror.Client;
using SfaMirror.Client.Events;

namespace SfaMirror.Cli;

/// <summary>The JSON lines the CLI prints on standard output, one object per line, each with an <c>event</c> name.</summary>
internal static class JsonLines
{
    /// <remarks>An encrypted session's line carries the content key: with the resume token it lets <c>send</c> act as
    /// this host, and whoever reads it reads the session, as with the token.</remarks>
    public static string Created(SessionCreated created, (string ContentKey, long Generation)? key = null) => Write(w =>
    {
        w.WriteString("event", "created");
        w.WriteString("sessionId", created.SessionId);
        w.WriteString("resumeToken", created.ResumeToken);
        w.WriteString("memberId", created.MemberId);
        w.WriteBoolean("encrypted", created.Encrypted);
        if (key is { } k)
        {
            w.WriteString("contentKey", k.ContentKey);
            w.WriteNumber("generation", k.Generation);
        }
    });

    /// <summary>A host command's outcome: <c>admitted</c>, <c>denied</c>, <c>kicked</c>, <c>locked</c>, <c>unlocked</c>.</summary>
    public static string Done(string name, string? memberId) => Write(w =>
    {
        w.WriteString("event", name);
        if (memberId is not null)
        {
            w.WriteString("memberId", memberId);
        }
    });

    public static string Link(JoinLinkCreated link, Uri url) => Write(w =>
    {
        w.WriteString("event", "link");
        w.WriteString("url", url.ToString());
        w.WriteString("joinKey", link.JoinKey);
        w.WriteString("expiresAt", link.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteNumber("uses", link.Uses);
    });

    public static string Joined(SessionJoined joined) => Write(w =>
    {
        w.WriteString("event", "joined");
        w.WriteString("sessionId", joined.SessionId);
        w.WriteString("role", joined.Role);
        w.WriteNumber("members", joined.Members);
        if (joined.MemberId is not null)
        {
            w.WriteString("memberId", joined.MemberId);
        }
        w.WriteBoolean("encrypted", joined.Encrypted);
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
                if (joined.MemberId is not null)
                {
                    w.WriteString("memberId", joined.MemberId);
                }
                break;
            case PeerLeftEvent left:
                w.WriteString("event", "peer_left");
                w.WriteString("sessionId", left.SessionId);
                w.WriteString("role", left.Role);
                w.WriteNumber("members", left.Members);
                w.WriteString("reason", left.Reason);
                if (left.MemberId is not null)
                {
                    w.WriteString("memberId", left.MemberId);
                }
                break;
            case JoinRequestedEvent requested:
                w.WriteString("event", "join_requested");
                w.WriteString("sessionId", requested.SessionId);
                w.WriteString("memberId", requested.MemberId);
                w.WriteString("userAgent", requested.UserAgent);
                break;
            case JoinWithdrawnEvent withdrawn:
                w.WriteString("event", "join_withdrawn");
                w.WriteString("sessionId", withdrawn.SessionId);
                w.WriteString("memberId", withdrawn.MemberId);
                w.WriteString("reason", withdrawn.Reason);
                break;
            case JoinPendingEvent pending:
                w.WriteString("event", "pending");
                w.WriteString("sessionId", pending.SessionId);
                w.WriteString("memberId", pending.MemberId);
                w.WriteBoolean("encrypted", pending.Encrypted);
                break;
            case JoinDeniedEvent denied:
                w.WriteString("event", "join_denied");
                w.WriteString("sessionId", denied.SessionId);
                w.WriteString("reason", denied.Reason);
                break;
            case PairingEvent pairing:
                w.WriteString("event", "pairing");
                w.WriteString("sessionId", pairing.SessionId);
                w.WriteString("memberId", pairing.MemberId);
                w.WriteString("code", pairing.Code);
                w.WriteBoolean("viaLink", pairing.ViaLink);
                break;
            case UndecryptableEvent undecryptable:
                w.WriteString("event", "undecryptable");
                w.WriteString("sessionId", undecryptable.SessionId);
                w.WriteString("kind", undecryptable.Kind == StateKind.Customer ? "customer" : "product");
                w.WriteString("reason", undecryptable.Reason);
                break;
            case SignalEvent signal:
                w.WriteString("event", "signal");
                w.WriteString("sessionId", signal.SessionId);
                w.WriteString("from", signal.From);
                w.WritePropertyName("data");
                signal.Data.WriteTo(w);
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
