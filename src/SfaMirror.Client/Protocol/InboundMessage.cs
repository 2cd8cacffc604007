using System.Globalization;
using System.Text.Json;

namespace SfaMirror.Client.Protocol;

/// <summary>A server message that has a type; everything else about it is checked where it is used.</summary>
internal sealed record InboundMessage(string Type, string? SessionId, JsonElement Payload, string? RequestId, long? Seq)
{
    /// <summary>Parses one text frame; a frame that is not a JSON object with a string <c>type</c> gives an error text.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out InboundMessage? message, out string? error)
    {
        message = null;
        try
        {
            var envelope = JsonSerializer.Deserialize(utf8, MirrorJsonContext.Default.InboundEnvelope);
            if (envelope?.Type is not { Length: > 0 } type)
            {
                error = "message without a type";
                return false;
            }
            string? requestId = envelope.RequestId switch
            {
                { ValueKind: JsonValueKind.String } s => s.GetString(),
                { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
                _ => null,
            };
            message = new InboundMessage(type, envelope.SessionId, envelope.Payload, requestId, envelope.Seq);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    public string GetString(string property) =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{Type} without a string payload.{property}");

    public string? GetOptionalString(string property) =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public int GetInt32(string property) =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new FormatException($"{Type} without a numeric payload.{property}");

    public bool? GetOptionalBoolean(string property) =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(property, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    /// <summary>The session this message is about: its <c>sessionId</c>, else the one in its payload.</summary>
    public string RequireSessionId() =>
        SessionId ?? GetOptionalString("sessionId") ?? throw new FormatException($"{Type} without a sessionId");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Type} (request {RequestId ?? "-"})");
}
