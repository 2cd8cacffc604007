namespace SfaMirror.Server.Transport;

/// <summary>
/// The verdict of <see cref="UpgradeAdmission.Admit"/>: the client's address (keyed for limits) and either a refusal
/// (<see cref="StatusCode"/>, <see cref="RetryAfterSeconds"/>, 0 when none) or the lease the connection holds until it closes.
/// </summary>
internal readonly record struct Admission(string ClientAddress, int StatusCode, int RetryAfterSeconds, IDisposable? Lease);
