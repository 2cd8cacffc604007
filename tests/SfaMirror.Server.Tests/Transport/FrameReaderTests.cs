using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using SfaMirror.Server.Transport;

namespace SfaMirror.Server.Tests.Transport;

/// <summary>The frame reader alone: bytes in, events out, no socket.</summary>
public sealed class FrameReaderTests
{
    private const byte Fin = 0x80;
    private const int Limit = 1024;

    private readonly FrameReader _reader = new(Limit);
    private readonly byte[] _control = new byte[125];

    [Fact]
    public void Whole_text_frame_is_one_message()
    {
        var events = Feed(Frame(Fin | 0x1, "hello"u8.ToArray()));

        Assert.Equal([FrameEvent.Message], events);
        Assert.Equal("hello", Encoding.UTF8.GetString(_reader.Message.Span));
        Assert.Equal(WebSocketFrames.Text, _reader.MessageOpcode);
    }

    [Fact]
    public void Empty_text_frame_is_an_empty_message()
    {
        Assert.Equal([FrameEvent.Message], Feed(Frame(Fin | 0x1, [])));
        Assert.True(_reader.Message.IsEmpty);
    }

    [Fact]
    public void Frame_fed_one_byte_at_a_time_is_one_message()
    {
        var frame = Frame(Fin | 0x1, "one byte at a time"u8.ToArray());
        var events = new List<FrameEvent>();
        var pending = Array.Empty<byte>();
        foreach (var b in frame)
        {
            pending = [.. pending, b];
            var buffer = new ReadOnlySequence<byte>(pending);
            var e = _reader.Read(ref buffer, _control);
            pending = buffer.ToArray();
            if (e != FrameEvent.NeedMore) events.Add(e);
        }

        Assert.Equal([FrameEvent.Message], events);
        Assert.Equal("one byte at a time", Encoding.UTF8.GetString(_reader.Message.Span));
    }

    [Fact]
    public void Incomplete_header_consumes_nothing()
    {
        var buffer = new ReadOnlySequence<byte>(Frame(Fin | 0x1, new byte[200])[..3]);

        Assert.Equal(FrameEvent.NeedMore, _reader.Read(ref buffer, _control));
        Assert.Equal(3, buffer.Length);
    }

    [Fact]
    public void Fragments_are_joined_into_one_message()
    {
        var events = Feed([.. Frame(0x1, "he"u8.ToArray()), .. Frame(0x0, "ll"u8.ToArray()), .. Frame(Fin | 0x0, "o"u8.ToArray())]);

        Assert.Equal([FrameEvent.Message], events);
        Assert.Equal("hello", Encoding.UTF8.GetString(_reader.Message.Span));
    }

    [Fact]
    public void Ping_between_fragments_is_reported_before_the_message()
    {
        var events = Feed([.. Frame(0x1, "he"u8.ToArray()), .. Frame(Fin | 0x9, [7]), .. Frame(Fin | 0x0, "llo"u8.ToArray())]);

        Assert.Equal([FrameEvent.Ping, FrameEvent.Message], events);
        Assert.Equal("hello", Encoding.UTF8.GetString(_reader.Message.Span));
    }

    [Fact]
    public void Ping_payload_is_unmasked_into_the_control_buffer()
    {
        Assert.Equal([FrameEvent.Ping], Feed(Frame(Fin | 0x9, [1, 2, 3, 4, 5])));
        Assert.Equal([1, 2, 3, 4, 5], _control[.._reader.ControlLength]);
    }

    [Fact]
    public void Pong_is_reported()
    {
        Assert.Equal([FrameEvent.Pong], Feed(Frame(Fin | 0xA, [9])));
    }

    [Fact]
    public void Two_frames_in_one_buffer_are_two_messages()
    {
        Assert.Equal([FrameEvent.Message, FrameEvent.Message], Feed([.. Frame(Fin | 0x1, "a"u8.ToArray()), .. Frame(Fin | 0x1, "b"u8.ToArray())]));
    }

    [Theory]
    [InlineData(126)]
    [InlineData(1000)]
    public void Sixteen_bit_length_form_is_read(int length)
    {
        Assert.Equal([FrameEvent.Message], Feed(Frame(Fin | 0x1, Ascii(length))));
        Assert.Equal(length, _reader.Message.Length);
    }

    [Fact]
    public void Sixty_four_bit_length_form_is_read()
    {
        var reader = new FrameReader(100_000);
        var buffer = new ReadOnlySequence<byte>(Frame(Fin | 0x1, Ascii(70_000)));

        Assert.Equal(FrameEvent.Message, reader.Read(ref buffer, _control));
        Assert.Equal(70_000, reader.Message.Length);
    }

    [Fact]
    public void Unmasked_frame_fails_with_1002()
    {
        AssertFails(Frame(Fin | 0x1, "x"u8.ToArray(), masked: false), WebSocketCloseStatus.ProtocolError);
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x20)]
    [InlineData(0x10)]
    public void Reserved_bit_fails_with_1002(int bit)
    {
        AssertFails(Frame((byte)(Fin | bit | 0x1), "x"u8.ToArray()), WebSocketCloseStatus.ProtocolError);
    }

    [Theory]
    [InlineData(0x3)]
    [InlineData(0x7)]
    [InlineData(0xB)]
    [InlineData(0xF)]
    public void Reserved_opcode_fails_with_1002(int opcode)
    {
        AssertFails(Frame((byte)(Fin | opcode), []), WebSocketCloseStatus.ProtocolError);
    }

    [Fact]
    public void Rule_broken_in_the_first_two_bytes_fails_before_the_rest_of_the_header()
    {
        AssertFails(Frame(Fin | 0x40 | 0x1, new byte[300])[..2], WebSocketCloseStatus.ProtocolError);
    }

    [Fact]
    public void Continuation_without_a_message_fails_with_1002()
    {
        AssertFails(Frame(Fin | 0x0, "x"u8.ToArray()), WebSocketCloseStatus.ProtocolError);
    }

    [Fact]
    public void New_message_inside_a_fragmented_one_fails_with_1002()
    {
        AssertFails([.. Frame(0x1, "a"u8.ToArray()), .. Frame(Fin | 0x1, "b"u8.ToArray())], WebSocketCloseStatus.ProtocolError);
    }

    [Fact]
    public void Fragmented_ping_fails_with_1002()
    {
        AssertFails(Frame(0x9, [1]), WebSocketCloseStatus.ProtocolError);
    }

    [Fact]
    public void Control_frame_over_125_bytes_fails_with_1002()
    {
        AssertFails(Frame(Fin | 0x9, new byte[126]), WebSocketCloseStatus.ProtocolError);
    }

    [Fact]
    public void Message_at_the_limit_is_read()
    {
        Assert.Equal([FrameEvent.Message], Feed(Frame(Fin | 0x1, Ascii(Limit))));
    }

    [Fact]
    public void Frame_announcing_more_than_the_limit_fails_with_1009_on_its_header()
    {
        var frame = Frame(Fin | 0x1, Ascii(Limit + 1));

        AssertFails(frame[..8], WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public void Fragments_together_over_the_limit_fail_with_1009()
    {
        AssertFails([.. Frame(0x1, Ascii(Limit / 2)), .. Frame(0x0, Ascii(Limit / 2)), .. Frame(Fin | 0x0, Ascii(1))], WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public void Header_announcing_a_large_frame_buffers_only_what_arrived()
    {
        var reader = new FrameReader(1_000_000);
        var frame = Frame(Fin | 0x1, Ascii(1_000_000));
        var buffer = new ReadOnlySequence<byte>(frame[..(14 + 16)]);

        Assert.Equal(FrameEvent.NeedMore, reader.Read(ref buffer, _control));
        Assert.InRange(reader.BufferCapacity, 16, 512);
    }

    [Fact]
    public void Buffer_grows_with_what_arrives_and_the_message_is_whole()
    {
        var reader = new FrameReader(1_000_000);
        var text = Ascii(100_000);
        var frame = Frame(Fin | 0x1, text);
        var events = new List<FrameEvent>();
        for (var offset = 0; offset < frame.Length; offset += 4096)
        {
            var buffer = new ReadOnlySequence<byte>(frame.AsMemory(offset, Math.Min(4096, frame.Length - offset)));
            var e = reader.Read(ref buffer, _control);
            Assert.True(buffer.IsEmpty || e != FrameEvent.NeedMore);
            if (e != FrameEvent.NeedMore) events.Add(e);
            else Assert.InRange(reader.BufferCapacity, 0, 2 * (offset + 4096));
        }

        Assert.Equal([FrameEvent.Message], events);
        Assert.Equal(text, reader.Message.ToArray());
    }

    [Fact]
    public void Released_message_holds_no_buffer()
    {
        Feed(Frame(Fin | 0x1, "x"u8.ToArray()));

        _reader.ReleaseMessage();

        Assert.Equal(0, _reader.BufferCapacity);
    }

    [Fact]
    public void Text_that_is_not_utf8_fails_with_1007()
    {
        AssertFails(Frame(Fin | 0x1, [0x61, 0xC0, 0xAF]), WebSocketCloseStatus.InvalidPayloadData);
    }

    [Fact]
    public void Invalid_utf8_in_a_first_fragment_fails_before_the_message_ends()
    {
        AssertFails(Frame(0x1, [0x61, 0xF4, 0x90, 0x80, 0x80]), WebSocketCloseStatus.InvalidPayloadData);
    }

    [Fact]
    public void Invalid_utf8_fails_before_its_frame_ends()
    {
        var frame = Frame(Fin | 0x1, [0x61, 0xED, 0xA0, 0x80, .. Ascii(100)]);

        AssertFails(frame[..(2 + 4 + 3)], WebSocketCloseStatus.InvalidPayloadData);
    }

    [Fact]
    public void Character_split_across_fragments_is_valid()
    {
        var euro = "€"u8.ToArray();

        Assert.Equal([FrameEvent.Message], Feed([.. Frame(0x1, euro[..1]), .. Frame(0x0, euro[1..2]), .. Frame(Fin | 0x0, euro[2..])]));
        Assert.Equal("€", Encoding.UTF8.GetString(_reader.Message.Span));
    }

    [Fact]
    public void Character_left_unfinished_at_the_end_of_a_message_fails_with_1007()
    {
        AssertFails([.. Frame(0x1, "a"u8.ToArray()), .. Frame(Fin | 0x0, "€"u8.ToArray()[..2])], WebSocketCloseStatus.InvalidPayloadData);
    }

    [Fact]
    public void Binary_message_is_not_checked_for_utf8()
    {
        Assert.Equal([FrameEvent.Message], Feed(Frame(Fin | 0x2, [0xFF, 0xFE])));
        Assert.Equal(WebSocketFrames.Binary, _reader.MessageOpcode);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1011)]
    [InlineData(3000)]
    [InlineData(4999)]
    public void Close_with_a_valid_code_reports_it(int code)
    {
        Assert.Equal([FrameEvent.Close], Feed(Frame(Fin | 0x8, CloseBody(code, "bye"))));
        Assert.Equal((WebSocketCloseStatus)code, _reader.PeerCloseStatus);
    }

    [Fact]
    public void Close_without_payload_reports_no_status()
    {
        Assert.Equal([FrameEvent.Close], Feed(Frame(Fin | 0x8, [])));
        Assert.Equal(WebSocketCloseStatus.Empty, _reader.PeerCloseStatus);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1012)]
    [InlineData(1015)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public void Close_with_an_invalid_code_fails_with_1002(int code)
    {
        AssertFails(Frame(Fin | 0x8, CloseBody(code, "")), WebSocketCloseStatus.ProtocolError);
    }

    [Fact]
    public void Close_with_a_one_byte_payload_fails_with_1002()
    {
        AssertFails(Frame(Fin | 0x8, [0x03]), WebSocketCloseStatus.ProtocolError);
    }

    [Fact]
    public void Close_reason_that_is_not_utf8_fails_with_1007()
    {
        AssertFails(Frame(Fin | 0x8, [0x03, 0xE8, 0xCE, 0xBA, 0xED, 0xA0, 0x80]), WebSocketCloseStatus.InvalidPayloadData);
    }

    [Fact]
    public void Nothing_after_a_close_is_read()
    {
        Assert.Equal([FrameEvent.Close], Feed([.. Frame(Fin | 0x8, CloseBody(1000, "")), .. Frame(Fin | 0x9, [1]), .. Frame(Fin | 0x1, "x"u8.ToArray())]));
    }

    [Fact]
    public void Nothing_after_a_failure_is_read()
    {
        Assert.Equal([FrameEvent.Fail], Feed([.. Frame(Fin | 0x3, []), .. Frame(Fin | 0x9, [1])]));
    }

    /// <summary>Every event the reader reports for <paramref name="bytes"/>, fed as one buffer until it needs more.</summary>
    private List<FrameEvent> Feed(byte[] bytes)
    {
        var events = new List<FrameEvent>();
        var buffer = new ReadOnlySequence<byte>(bytes);
        while (true)
        {
            var e = _reader.Read(ref buffer, _control);
            if (e == FrameEvent.NeedMore) return events;
            events.Add(e);
        }
    }

    private void AssertFails(byte[] bytes, WebSocketCloseStatus status)
    {
        Assert.Equal([FrameEvent.Fail], Feed(bytes));
        Assert.Equal(status, _reader.FailStatus);
    }

    private static byte[] Ascii(int length) => Enumerable.Repeat((byte)'x', length).ToArray();

    private static byte[] CloseBody(int code, string reason)
    {
        var body = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)code);
        Encoding.UTF8.GetBytes(reason, body.AsSpan(2));
        return body;
    }

    /// <summary>A client frame: <paramref name="first"/> is the whole first byte (FIN, RSV, opcode).</summary>
    private static byte[] Frame(int first, byte[] payload, bool masked = true)
    {
        var header = new List<byte> { (byte)first };
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length < 126)
        {
            header.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.AddRange([(byte)(maskBit | 126), (byte)(payload.Length >> 8), (byte)payload.Length]);
        }
        else
        {
            var ext = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(ext, (ulong)payload.Length);
            header.Add((byte)(maskBit | 127));
            header.AddRange(ext);
        }
        if (!masked)
        {
            return [.. header, .. payload];
        }
        byte[] mask = [0x37, 0xFA, 0x21, 0x3D];
        return [.. header, .. mask, .. payload.Select((b, i) => (byte)(b ^ mask[i % 4]))];
    }
}
