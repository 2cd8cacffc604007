using System.Text.Json;

namespace SfaMirror.Client.Events;

/// <summary>A <c>SIGNAL</c> from one member to this one; <see cref="Data"/> exactly as it sent it. The end-to-end
/// pairing's own signals (<c>data.e2e</c> offer, answer, key) are handled by the client and not raised.</summary>
public sealed record SignalEvent(string SessionId, string From, JsonElement Data) : MirrorEvent(SessionId);
