using System.Text.Json;

namespace SfaMirror.Client.E2e;

/// <summary>A pairing computed from an offer or answer: the peer, the 6 digits, whether the peer holds the link,
/// and what to send (the viewer's answer; the host's key signal when the viewer was admitted first).</summary>
internal sealed record PairingResult(string PeerMemberId, string Comparison, bool ViaLink, JsonElement? Reply);
