using System.Text.Json;
using SfaMirror.Cli;
using SfaMirror.Client.Tests.Infrastructure;

namespace SfaMirror.Client.Tests.Cli;

/// <summary>One <c>sfa-mirror</c> invocation, in-process, with its own input and outputs.</summary>
internal sealed class CliRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _interrupt = new();

    private CliRun(string[] args, TextReader? input)
    {
        Input = input as EndlessInput;
        var console = new CliConsole(input ?? Input ?? new EndlessInput(), Output, Error, inputBlocks: false);
        Exit = Task.Run(() => CliApp.RunAsync(args, console, _interrupt.Token));
    }

    public LineCollector Output { get; } = new();

    public LineCollector Error { get; } = new();

    public EndlessInput? Input { get; }

    public Task<int> Exit { get; }

    /// <summary>Starts a command that runs until interrupted or its input ends.</summary>
    public static CliRun Start(params string[] args) => new(args, new EndlessInput());

    /// <summary>Runs a command to its end and returns it.</summary>
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var run = new CliRun(args, new StringReader(""));
        await run.Exit.Within(TimeSpan.FromSeconds(10));
        return run;
    }

    /// <summary>The next JSON line on standard output.</summary>
    public async Task<JsonElement> NextJsonAsync()
    {
        string line;
        try
        {
            line = await Output.Lines.ReadWithin();
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No output line; stderr so far:\n{Error.Text}");
        }
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    /// <summary>The next JSON line whose <c>event</c> is <paramref name="name"/>, skipping others.</summary>
    public async Task<JsonElement> NextEventAsync(string name)
    {
        while (true)
        {
            var line = await NextJsonAsync();
            if (line.GetProperty("event").GetString() == name)
            {
                return line;
            }
        }
    }

    /// <summary>Ctrl+C.</summary>
    public void Interrupt() => _interrupt.Cancel();

    public async ValueTask DisposeAsync()
    {
        _interrupt.Cancel();
        await Exit.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
    }
}
