using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// Decodes the session events the Lua scripts publish: a version byte (1), kind, role, reason, state kind,
/// members (uint32 big-endian), then six fields each prefixed by its uint32 big-endian length: member id,
/// request id (raw JSON), seq A (decimal text), payload A (raw JSON), seq B, payload B. State A is the
/// update of a <c>State</c> event and the customer of a <c>Joined</c> one; B is the product. The decoded
/// event's memory points into the received message: payloads go on as the bytes they were stored as. A seventh
/// field, <c>extra</c>, may follow: for <c>Joined</c> and <c>JoinPending</c>, flags in decimal (1: the host is verified,
/// 2: the session is encrypted). For <c>JoinRequested</c>, <c>JoinWithdrawn</c> and <c>Signal</c> the third and fourth
/// fields are the other member's id and the data (user agent, signal data) instead of a state.
/// </summary>
internal static class RedisEvent
{
    private const byte Version = 1;
    private const int HeaderLength = 9;

    public static bool TryDecode(string code, byte[] data, out SessionEvent decoded)
    {
        decoded = default;
        if (data.Length < HeaderLength || data[0] != Version)
        {
            return false;
        }
        var offset = HeaderLength;
        var kind = (SessionEventKind)data[1];
        var carriesOther = kind is SessionEventKind.JoinRequested or SessionEventKind.JoinWithdrawn or SessionEventKind.Signal;
        StoredState stateA = default, stateB = default;
        if (!TryField(data, ref offset, out var member) || !TryField(data, ref offset, out var requestId) ||
            !TryField(data, ref offset, out var seqA) || !TryField(data, ref offset, out var payloadA) ||
            !TryField(data, ref offset, out var seqB) || !TryField(data, ref offset, out var payloadB) ||
            !carriesOther && (!TryState(seqA, payloadA, out stateA) || !TryState(seqB, payloadB, out stateB)))
        {
            return false;
        }
        ReadOnlyMemory<byte> extra = default;
        if (offset < data.Length && !TryField(data, ref offset, out extra))
        {
            return false;
        }
        var flags = extra.IsEmpty || !Utf8Parser.TryParse(extra.Span, out int parsed, out _) ? 0 : parsed;
        decoded = new SessionEvent
        {
            Kind = kind,
            Code = code,
            MemberId = member.IsEmpty ? null : Encoding.UTF8.GetString(member.Span),
            Role = (MemberRole)data[2],
            LeaveReason = (LeaveReason)data[3],
            EndReason = (EndReason)data[3],
            StateKind = (StateKind)data[4],
            Members = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(5, 4)),
            RequestId = requestId,
            State = kind == SessionEventKind.State ? stateA : default,
            Customer = kind == SessionEventKind.Joined ? stateA : default,
            Product = kind == SessionEventKind.Joined ? stateB : default,
            HostVerified = kind == SessionEventKind.Joined && (flags & 1) != 0,
            Encrypted = (flags & 2) != 0,
            OtherMemberId = carriesOther && !seqA.IsEmpty ? Encoding.UTF8.GetString(seqA.Span) : null,
            Data = carriesOther ? payloadA : default,
        };
        return true;
    }

    /// <summary>A state field pair: an empty seq means the state is not set.</summary>
    private static bool TryState(ReadOnlyMemory<byte> seqText, ReadOnlyMemory<byte> payload, out StoredState state)
    {
        state = StoredState.None;
        if (seqText.IsEmpty)
        {
            return true;
        }
        if (!Utf8Parser.TryParse(seqText.Span, out long seq, out var consumed) || consumed != seqText.Length || seq <= 0)
        {
            return false;
        }
        state = new StoredState(seq, payload);
        return true;
    }

    private static bool TryField(byte[] data, ref int offset, out ReadOnlyMemory<byte> field)
    {
        field = default;
        if (data.Length - offset < 4)
        {
            return false;
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset, 4));
        offset += 4;
        if (length > (uint)(data.Length - offset))
        {
            return false;
        }
        field = data.AsMemory(offset, (int)length);
        offset += (int)length;
        return true;
    }
}
