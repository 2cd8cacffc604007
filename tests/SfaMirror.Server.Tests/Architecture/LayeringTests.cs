using System.Text.RegularExpressions;

namespace SfaMirror.Server.Tests.Architecture;

/// <summary>
/// docs/architecture.md, "Layers": references go one way, Transport → Sessions → Backplane, with Protocol the
/// vocabulary all of them speak; a lower layer reaches up only through an interface it owns.
/// </summary>
public sealed partial class LayeringTests
{
    [Theory]
    [InlineData("Protocol", "Transport")]
    [InlineData("Protocol", "Sessions")]
    [InlineData("Protocol", "Backplane")]
    [InlineData("Backplane", "Sessions")]
    [InlineData("Backplane", "Transport")]
    [InlineData("Sessions", "Transport")]
    public void Layer_does_not_use_the_layer_above_it(string layer, string above)
    {
        var offenders = SourceFiles(layer)
            .Where(f => File.ReadAllText(f).Contains($"SfaMirror.Server.{above}", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void No_store_encodes_a_frame()
    {
        var offenders = SourceFiles("Backplane").Where(f => File.ReadAllText(f).Contains("FrameEncoder", StringComparison.Ordinal)).Select(Path.GetFileName).ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void The_transport_knows_nothing_of_sessions_customers_or_products()
    {
        var offenders = SourceFiles("Transport")
            .Where(f => DomainWord().IsMatch(StripComments(File.ReadAllText(f))))
            .Select(Path.GetFileName)
            .ToList();

        Assert.Empty(offenders);
    }

    private static IEnumerable<string> SourceFiles(string layer) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", "SfaMirror.Server", layer), "*.cs", SearchOption.AllDirectories);

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SfaMirror.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("SfaMirror.slnx not found above " + AppContext.BaseDirectory);
    }

    private static string StripComments(string source) => Comment().Replace(source, "");

    [GeneratedRegex(@"StateKind|Customer|Product|SessionCode|sessionCode|MemberRole")]
    private static partial Regex DomainWord();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comment();
}
