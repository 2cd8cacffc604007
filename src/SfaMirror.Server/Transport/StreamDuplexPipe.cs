using System.IO.Pipelines;

namespace SfaMirror.Server.Transport;

/// <summary>An upgraded HTTP request's stream as the pipes a <see cref="RelayConnection"/> reads and writes.</summary>
internal sealed class StreamDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
