using SfaMirror.Cli;

return await CliApp.RunAsync(args, CliConsole.FromSystemConsole(), CancellationToken.None);
