using System.Text;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>The few payload fields the relay reads itself; everything else is relayed untouched.</summary>
public sealed class PayloadFieldsTests
{
    private static ReadOnlyMemory<byte> P(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public void Reads_a_top_level_string_and_skips_nested_fields_of_the_same_name()
    {
        Assert.True(PayloadFields.TryReadString(P("""{"x":{"memberId":"inner"},"memberId":"outer"}"""), "memberId"u8, out var value));
        Assert.Equal("outer", value);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"memberId":null}""")]
    [InlineData("""[1,2]""")]
    [InlineData("")]
    public void Absent_or_null_string_is_null_and_accepted(string json)
    {
        Assert.True(PayloadFields.TryReadString(P(json), "memberId"u8, out var value));
        Assert.Null(value);
    }

    [Fact]
    public void String_field_of_another_type_is_refused() =>
        Assert.False(PayloadFields.TryReadString(P("""{"memberId":5}"""), "memberId"u8, out _));

    [Theory]
    [InlineData("""{"uses":3}""", 3)]
    [InlineData("""{"uses":null}""", null)]
    [InlineData("""{}""", null)]
    public void Reads_a_whole_number(string json, int? expected)
    {
        Assert.True(PayloadFields.TryReadInt(P(json), "uses"u8, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("""{"uses":1.5}""")]
    [InlineData("""{"uses":"3"}""")]
    [InlineData("""{"uses":99999999999}""")]
    public void Number_that_is_not_a_whole_int_is_refused(string json) =>
        Assert.False(PayloadFields.TryReadInt(P(json), "uses"u8, out _));

    [Theory]
    [InlineData("""{"to":"a","data":{"k":[1,{"x":1.50}]}}""", """{"k":[1,{"x":1.50}]}""")]
    [InlineData("""{"data":"hi","to":"a"}""", "\"hi\"")]
    [InlineData("""{"data" : 123456789012345678901234567890 }""", "123456789012345678901234567890")]
    [InlineData("""{"data":null}""", "null")]
    public void Raw_value_is_the_exact_bytes_as_sent(string json, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(PayloadFields.ReadRaw(P(json), "data"u8).Span));

    [Fact]
    public void Raw_value_of_an_absent_field_is_empty() =>
        Assert.True(PayloadFields.ReadRaw(P("""{"to":"a"}"""), "data"u8).IsEmpty);
}
