using System.Text.Json;
using System.Text.Json.Serialization;

namespace SfaMirror.Client.Protocol;

/// <summary>Source-generated serialization of the envelopes: no reflection on the receive path.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InboundEnvelope))]
[JsonSerializable(typeof(OutboundEnvelope))]
[JsonSerializable(typeof(JoinPayload))]
[JsonSerializable(typeof(CreatePayload))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class MirrorJsonContext : JsonSerializerContext;
