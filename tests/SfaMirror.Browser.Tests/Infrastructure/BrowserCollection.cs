namespace SfaMirror.Browser.Tests.Infrastructure;

/// <summary>Every browser test shares one Chromium and one relay, and they run one after another (two cores).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
