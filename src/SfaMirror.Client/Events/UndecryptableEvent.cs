using System.Text.Json;

namespace SfaMirror.Client.Events;

/// <summary>A state in an encrypted session that this client cannot open: no key for its generation (e.g. sealed after
/// this member was kicked), a changed ciphertext, or not a sealed payload. <see cref="Payload"/> is what arrived.</summary>
public sealed record UndecryptableEvent(string SessionId, StateKind Kind, JsonElement Payload, long? Seq, string Reason) : MirrorEvent(SessionId);
