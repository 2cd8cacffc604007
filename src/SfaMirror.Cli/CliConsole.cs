namespace SfaMirror.Cli;

/// <summary>
/// Where the CLI reads and writes: the process's console, or, in tests, writers of their own. Standard output
/// carries JSON lines only; people read standard error.
/// </summary>
internal sealed class CliConsole(TextReader input, TextWriter output, TextWriter error, bool inputBlocks)
{
    private readonly Lock _outputGate = new();

    public TextReader Input { get; } = input;

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public static CliConsole FromSystemConsole() =>
        new(Console.In, Console.Out, Console.Error, inputBlocks: true);

    /// <summary>Writes one JSON line; events from the receive loop and the command's own lines never interleave.</summary>
    public void WriteLine(string json)
    {
        lock (_outputGate)
        {
            Output.WriteLine(json);
            Output.Flush();
        }
    }

    public void Say(string message)
    {
        lock (_outputGate)
        {
            Error.WriteLine(message);
            Error.Flush();
        }
    }

    /// <summary>Completes when standard input ends (Ctrl+D, a closed pipe); each line before that goes to <paramref name="onLine"/>.</summary>
    public Task EndOfInputAsync(CancellationToken cancellationToken, Func<string, Task>? onLine = null)
    {
        async Task DrainAsync()
        {
            while (await Input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (onLine is not null)
                {
                    await onLine(line).ConfigureAwait(false);
                }
            }
        }

        // Console.In reads synchronously even through ReadLineAsync, so it gets a thread of its own.
        return inputBlocks ? Task.Run(DrainAsync, CancellationToken.None) : DrainAsync();
    }
}
