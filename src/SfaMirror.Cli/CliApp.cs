using System.CommandLine;
using SfaMirror.Cli.Commands;

namespace SfaMirror.Cli;

/// <summary>The <c>sfa-mirror</c> command line; tests run it in-process with a console of their own.</summary>
internal static class CliApp
{
    public static RootCommand Build(CliConsole console) => new("Talk to an SFA Mirror relay: JSON lines on standard output, messages on standard error")
    {
        CreateCommand.Build(console),
        JoinCommand.Build(console),
        SendCommand.Build(console),
        PingCommand.Build(console),
    };

    public static Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        // "@file.json" is a payload, not a response file of more arguments.
        var parsing = new ParserConfiguration { ResponseFileTokenReplacer = null };
        var invocation = new InvocationConfiguration { Output = console.Output, Error = console.Error };
        return Build(console).Parse(args, parsing).InvokeAsync(invocation, cancellationToken);
    }
}
