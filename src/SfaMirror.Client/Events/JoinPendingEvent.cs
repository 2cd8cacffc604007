namespace SfaMirror.Client.Events;

/// <summary>This client's join waits for the host to admit it (<see cref="MemberId"/> is its own); <see cref="Encrypted"/>
/// in an end-to-end encrypted session, where a <see cref="PairingEvent"/> follows.</summary>
public sealed record JoinPendingEvent(string SessionId, string MemberId, bool Encrypted) : MirrorEvent(SessionId);
