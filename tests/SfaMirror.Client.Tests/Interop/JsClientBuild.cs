using System.Diagnostics;

namespace SfaMirror.Client.Tests.Interop;

/// <summary>
/// The TypeScript client of this repository (clients/js), built once per test run when its <c>dist/</c> or its
/// <c>node_modules/</c> is missing (<c>npm ci</c>, <c>npm run build</c>): an interop test never skips for want of it.
/// </summary>
internal static class JsClientBuild
{
    private static readonly Lazy<Task<string>> Built = new(BuildAsync);

    /// <summary>The clients/js directory, built.</summary>
    public static Task<string> GetAsync() => Built.Value;

    private static async Task<string> BuildAsync()
    {
        var directory = Path.Combine(RepositoryRoot(), "clients", "js");
        if (!File.Exists(Path.Combine(directory, "scripts", "e2e-peer.mjs")))
        {
            throw new InvalidOperationException($"{directory}/scripts/e2e-peer.mjs is missing: merge the TypeScript client's branch");
        }
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            await RunAsync(directory, "npm", "ci", "--no-audit", "--no-fund");
        }
        if (!File.Exists(Path.Combine(directory, "dist", "index.js")))
        {
            await RunAsync(directory, "npm", "run", "build");
        }
        return directory;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "clients", "js", "package.json")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No clients/js above {AppContext.BaseDirectory}");
    }

    private static async Task RunAsync(string directory, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}):\n{await output}\n{await error}");
        }
    }
}
