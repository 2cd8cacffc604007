namespace SfaMirror.Client.Tests;

/// <summary><see cref="JoinLink"/>: the key in the query, the content key and generation in the fragment.</summary>
public sealed class JoinLinkTests
{
    [Fact]
    public void A_link_with_a_fragment_gives_the_join_key_content_key_and_generation()
    {
        var key = SfaMirror.Client.E2e.E2eCrypto.ToBase64Url(new byte[32]);

        var link = JoinLink.Parse(new Uri($"https://mirror.example/?join=abc_-1#k={key}&g=3"));

        Assert.Equal(new JoinLink("abc_-1", key, 3), link);
    }

    [Fact]
    public void A_plain_link_has_no_content_key()
    {
        Assert.Equal(new JoinLink("abc"), JoinLink.Parse(new Uri("http://127.0.0.1:3000/?join=abc")));
    }

    [Fact]
    public void ToUri_writes_what_Parse_reads()
    {
        var link = new JoinLink("abc", SfaMirror.Client.E2e.E2eCrypto.ToBase64Url(new byte[32]), 2);

        var uri = link.ToUri(new Uri("http://127.0.0.1:3000/"));

        Assert.Equal($"http://127.0.0.1:3000/?join=abc#k={link.ContentKey}&g=2", uri.ToString());
        Assert.Equal(link, JoinLink.Parse(uri));
    }

    [Theory]
    [InlineData("http://h/?other=1")]
    [InlineData("http://h/?join=abc#k=short&g=0")]
    [InlineData("http://h/?join=abc#k=AAAA&g=x")]
    public void A_link_without_a_key_or_with_a_bad_fragment_is_refused(string text)
    {
        Assert.Throws<FormatException>(() => JoinLink.Parse(new Uri(text)));
    }
}
