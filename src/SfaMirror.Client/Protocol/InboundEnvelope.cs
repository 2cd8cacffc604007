using System.Text.Json;

namespace SfaMirror.Client.Protocol;

/// <summary>A server message as it is on the wire; <see cref="InboundMessage"/> is the checked form.</summary>
internal sealed class InboundEnvelope
{
    public string? Type { get; set; }

    public string? SessionId { get; set; }

    /// <summary>Undefined when absent, a <c>Null</c> element when the server wrote <c>null</c>.</summary>
    public JsonElement Payload { get; set; }

    public JsonElement? RequestId { get; set; }

    public long? Seq { get; set; }
}
