using System.Text.Json;

namespace SfaMirror.Client.Events;

/// <summary>
/// The session's customer or product as another member set it (or as it was when this client joined).
/// <see cref="Payload"/> is exactly what was sent; its <see cref="JsonElement.ValueKind"/> is <c>Null</c> when the
/// state was cleared. <see cref="Seq"/> orders all updates of the session.
/// </summary>
public sealed record StateUpdatedEvent(string SessionId, StateKind Kind, JsonElement Payload, long? Seq) : MirrorEvent(SessionId);
