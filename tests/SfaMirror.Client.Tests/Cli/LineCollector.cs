using System.Text;
using System.Threading.Channels;

namespace SfaMirror.Client.Tests.Cli;

/// <summary>A writer that hands each complete line to the test as it is written.</summary>
internal sealed class LineCollector : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];

    public override Encoding Encoding => Encoding.UTF8;

    public ChannelReader<string> Lines => _lines.Reader;

    /// <summary>Every line so far, for failure messages.</summary>
    public string Text
    {
        get { lock (_all) { return string.Join('\n', _all); } }
    }

    public override void Write(char value)
    {
        lock (_all)
        {
            if (value == '\n')
            {
                var line = _line.ToString().TrimEnd('\r');
                _line.Clear();
                _all.Add(line);
                _lines.Writer.TryWrite(line);
            }
            else
            {
                _line.Append(value);
            }
        }
    }
}
