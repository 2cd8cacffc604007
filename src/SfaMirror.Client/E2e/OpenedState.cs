using System.Text.Json;
using SfaMirror.Client.Events;

namespace SfaMirror.Client.E2e;

/// <summary>What became of a state in an encrypted session: opened (<see cref="Payload"/>), or not (<see cref="Failure"/>).</summary>
internal sealed record OpenedState(StateKind Kind, long? Seq, JsonElement Payload, string? Failure)
{
    public bool IsOpen => Failure is null;
}
