using System.Buffers.Binary;
using System.Text;

namespace SfaMirror.Server.Backplane.Redis;

/// <summary>
/// One decoded session event, as the Lua scripts publish it: a version byte (1), kind, role, reason,
/// state kind, members (uint32 big-endian), then six fields each prefixed by its uint32 big-endian
/// length: target member id, request id (raw JSON), seq A, payload A (raw JSON), seq B, payload B.
/// Slices point into the received message: payloads are forwarded as the bytes they were stored as.
/// </summary>
internal readonly struct RedisEvent
{
    private const byte Version = 1;
    private const int HeaderLength = 9;

    public RedisEventKind Kind { get; private init; }
    public byte Role { get; private init; }
    public byte Reason { get; private init; }
    public byte StateKind { get; private init; }
    public int Members { get; private init; }
    /// <summary>The member the event is for, or the one it excludes; empty when none.</summary>
    public string Target { get; private init; }
    public ReadOnlyMemory<byte> RequestId { get; private init; }
    /// <summary>Seq of state A as decimal text; empty when state A is not set.</summary>
    public ReadOnlyMemory<byte> SeqA { get; private init; }
    public ReadOnlyMemory<byte> PayloadA { get; private init; }
    public ReadOnlyMemory<byte> SeqB { get; private init; }
    public ReadOnlyMemory<byte> PayloadB { get; private init; }

    public static bool TryParse(byte[] data, out RedisEvent parsed)
    {
        parsed = default;
        if (data.Length < HeaderLength || data[0] != Version)
        {
            return false;
        }
        var offset = HeaderLength;
        if (!TryField(data, ref offset, out var target) || !TryField(data, ref offset, out var requestId) ||
            !TryField(data, ref offset, out var seqA) || !TryField(data, ref offset, out var payloadA) ||
            !TryField(data, ref offset, out var seqB) || !TryField(data, ref offset, out var payloadB))
        {
            return false;
        }
        parsed = new RedisEvent
        {
            Kind = (RedisEventKind)data[1],
            Role = data[2],
            Reason = data[3],
            StateKind = data[4],
            Members = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(5, 4)),
            Target = Encoding.UTF8.GetString(target.Span),
            RequestId = requestId,
            SeqA = seqA,
            PayloadA = payloadA,
            SeqB = seqB,
            PayloadB = payloadB,
        };
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
