using SfaMirror.Server.Sessions;

namespace SfaMirror.Server.Tests.Sessions;

/// <summary>docs/protocol.md, "Session codes": the generator alone, without a server or a store.</summary>
public sealed class SessionCodeGeneratorTests
{
    private const string ReadableAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    [Fact]
    public void Generator_draws_every_readable_character_and_never_0_O_1_I_L()
    {
        var generator = new SessionCodeGenerator();
        var seen = new HashSet<char>();

        for (var i = 0; i < 2000; i++)
        {
            seen.UnionWith(generator.Next());
        }

        Assert.Equal(ReadableAlphabet.OrderBy(c => c), seen.OrderBy(c => c));
        Assert.DoesNotContain('0', seen);
        Assert.DoesNotContain('O', seen);
        Assert.DoesNotContain('1', seen);
        Assert.DoesNotContain('I', seen);
        Assert.DoesNotContain('L', seen);
    }
}
