using System.Threading.Channels;

namespace SfaMirror.Client.Tests.Cli;

/// <summary>Standard input that stays open until <see cref="End"/>, like a terminal: the test types lines with <see cref="Type"/>.</summary>
internal sealed class EndlessInput : TextReader
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    public void End() => _lines.Writer.TryComplete();

    /// <summary>A line typed at the terminal.</summary>
    public void Type(string line) => _lines.Writer.TryWrite(line);

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (!await _lines.Reader.WaitToReadAsync(cancellationToken))
        {
            return null;
        }
        return _lines.Reader.TryRead(out var line) ? line : null;
    }
}
