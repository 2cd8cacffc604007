using System.Text.Json;

namespace SfaMirror.Client.Protocol;

/// <summary>A client message; absent fields are left out of the frame.</summary>
internal sealed class OutboundEnvelope
{
    public required string Type { get; init; }

    public string? SessionId { get; init; }

    public JsonElement? Payload { get; init; }

    public string? RequestId { get; init; }
}
