using System.Text.Json;

namespace SfaMirror.Server.Protocol;

/// <summary>
/// Reads the envelope of one inbound text frame in a single forward pass with <see cref="Utf8JsonReader"/>:
/// <c>type</c>, <c>sessionId</c> and <c>requestId</c> are read, <c>payload</c> is kept as the raw slice it
/// arrived in, and the whole frame is checked to be well-formed JSON within the depth limit.
/// </summary>
internal static class InboundParser
{
    private static ReadOnlySpan<byte> TypeProperty => "type"u8;
    private static ReadOnlySpan<byte> SessionIdProperty => "sessionId"u8;
    private static ReadOnlySpan<byte> RequestIdProperty => "requestId"u8;
    private static ReadOnlySpan<byte> PayloadProperty => "payload"u8;

    public static ParseResult Parse(ReadOnlyMemory<byte> frame, int maxDepth)
    {
        // The reader's own depth limit is set above any depth the frame can hold (each level takes at least
        // one byte) so that a too-deep but well-formed message is told apart from malformed text
        // (INVALID_MESSAGE versus INVALID_JSON). The reader keeps its depth in a bit stack, so this costs
        // nothing for ordinary messages and one bit per level for deep ones.
        var reader = new Utf8JsonReader(frame.Span, new JsonReaderOptions { MaxDepth = Math.Max(maxDepth * 2, frame.Length + 1) });
        var scan = new EnvelopeScan();
        try
        {
            Scan(ref reader, frame, maxDepth, ref scan);
        }
        catch (JsonException)
        {
            return Fail(ErrorCodes.InvalidJson, in scan);
        }

        if (scan.ProblemMessage is not null)
        {
            return Fail(ErrorCodes.InvalidMessage, in scan, scan.ProblemMessage);
        }
        if (scan.TooDeep)
        {
            return Fail(ErrorCodes.InvalidMessage, in scan, $"Message nests deeper than {maxDepth} levels");
        }
        if (scan.Kind == MessageKind.Unknown)
        {
            return Fail(ErrorCodes.UnknownType, in scan);
        }
        return new ParseResult
        {
            Message = new InboundMessage
            {
                Kind = scan.Kind,
                SessionId = scan.SessionId,
                RequestId = scan.RequestId,
                Payload = scan.Payload,
            },
        };
    }

    private static void Scan(ref Utf8JsonReader reader, ReadOnlyMemory<byte> frame, int maxDepth, ref EnvelopeScan scan)
    {
        if (!reader.Read())
        {
            throw new JsonException("empty");
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            scan.Invalid("A message must be a JSON object");
            SkipRest(ref reader, maxDepth, ref scan);
            return;
        }

        var sawType = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(TypeProperty))
            {
                reader.Read();
                sawType = true;
                if (reader.TokenType == JsonTokenType.String)
                {
                    scan.Kind = KindOf(ref reader);
                }
                else
                {
                    scan.Invalid("\"type\" must be a string");
                    SkipValue(ref reader, maxDepth, ref scan);
                }
            }
            else if (reader.ValueTextEquals(SessionIdProperty))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    scan.SessionId = reader.GetString();
                }
                else if (reader.TokenType == JsonTokenType.Null)
                {
                    scan.SessionId = null;
                }
                else
                {
                    scan.Invalid("\"sessionId\" must be a string");
                    SkipValue(ref reader, maxDepth, ref scan);
                }
            }
            else if (reader.ValueTextEquals(RequestIdProperty))
            {
                reader.Read();
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
                {
                    scan.RequestId = frame.Slice((int)reader.TokenStartIndex, (int)(reader.BytesConsumed - reader.TokenStartIndex));
                }
                else if (reader.TokenType == JsonTokenType.Null)
                {
                    scan.RequestId = default;
                }
                else
                {
                    scan.Invalid("\"requestId\" must be a string or a number");
                    SkipValue(ref reader, maxDepth, ref scan);
                }
            }
            else if (reader.ValueTextEquals(PayloadProperty))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                SkipValue(ref reader, maxDepth, ref scan);
                scan.Payload = frame.Slice(start, (int)reader.BytesConsumed - start);
            }
            else
            {
                reader.Read();
                SkipValue(ref reader, maxDepth, ref scan);
            }
        }

        // Anything after the envelope's end (a second value) makes the reader throw here.
        while (reader.Read())
        {
        }

        if (!sawType)
        {
            scan.Invalid("\"type\" is required");
        }
    }

    /// <summary>Moves past the value the reader is on, noting whether it nests too deep.</summary>
    private static void SkipValue(ref Utf8JsonReader reader, int maxDepth, ref EnvelopeScan scan)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }
        var depth = reader.CurrentDepth;
        NoteDepth(ref reader, maxDepth, ref scan);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                NoteDepth(ref reader, maxDepth, ref scan);
            }
            else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == depth)
            {
                return;
            }
        }
    }

    private static void SkipRest(ref Utf8JsonReader reader, int maxDepth, ref EnvelopeScan scan)
    {
        SkipValue(ref reader, maxDepth, ref scan);
        while (reader.Read())
        {
        }
    }

    private static void NoteDepth(ref Utf8JsonReader reader, int maxDepth, ref EnvelopeScan scan)
    {
        // CurrentDepth of a start token is its nesting level minus one (the envelope is level 1).
        if (reader.CurrentDepth + 1 > maxDepth)
        {
            scan.TooDeep = true;
        }
    }

    private static MessageKind KindOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("VIEW_CUSTOMER"u8)) return MessageKind.ViewCustomer;
        if (reader.ValueTextEquals("VIEW_PRODUCT"u8)) return MessageKind.ViewProduct;
        if (reader.ValueTextEquals("PING"u8)) return MessageKind.Ping;
        if (reader.ValueTextEquals("JOIN_SESSION"u8)) return MessageKind.JoinSession;
        if (reader.ValueTextEquals("CREATE_SESSION"u8)) return MessageKind.CreateSession;
        if (reader.ValueTextEquals("REQUEST_CUSTOMER_UPDATE"u8)) return MessageKind.RequestCustomerUpdate;
        if (reader.ValueTextEquals("REQUEST_PRODUCT_UPDATE"u8)) return MessageKind.RequestProductUpdate;
        if (reader.ValueTextEquals("LEAVE_SESSION"u8)) return MessageKind.LeaveSession;
        if (reader.ValueTextEquals("END_SESSION"u8)) return MessageKind.EndSession;
        if (reader.ValueTextEquals("SIGNAL"u8)) return MessageKind.Signal;
        if (reader.ValueTextEquals("ADMIT"u8)) return MessageKind.Admit;
        if (reader.ValueTextEquals("DENY"u8)) return MessageKind.Deny;
        if (reader.ValueTextEquals("KICK"u8)) return MessageKind.Kick;
        if (reader.ValueTextEquals("LOCK_SESSION"u8)) return MessageKind.LockSession;
        if (reader.ValueTextEquals("UNLOCK_SESSION"u8)) return MessageKind.UnlockSession;
        if (reader.ValueTextEquals("CREATE_JOIN_LINK"u8)) return MessageKind.CreateJoinLink;
        return MessageKind.Unknown;
    }

    private static ParseResult Fail(string code, in EnvelopeScan scan, string? message = null) => new()
    {
        ErrorCode = code,
        ErrorMessage = message ?? ErrorCodes.DefaultMessage(code),
        Message = new InboundMessage
        {
            Kind = scan.Kind,
            SessionId = code == ErrorCodes.InvalidJson ? null : scan.SessionId,
            RequestId = code == ErrorCodes.InvalidJson ? default : scan.RequestId,
        },
    };

    private struct EnvelopeScan
    {
        public MessageKind Kind;
        public string? SessionId;
        public ReadOnlyMemory<byte> RequestId;
        public ReadOnlyMemory<byte> Payload;
        public bool TooDeep;
        /// <summary>Why the message is an INVALID_MESSAGE (the first reason found), or null.</summary>
        public string? ProblemMessage;

        public void Invalid(string message) => ProblemMessage ??= message;
    }
}
