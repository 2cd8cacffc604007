using System.Text;
using SfaMirror.Server.Protocol;

namespace SfaMirror.Server.Tests.Protocol;

/// <summary>The one payload shape an encrypted session accepts (docs/protocol.md, "Encrypted sessions").</summary>
public sealed class SealedPayloadTests
{
    [Theory]
    [InlineData("""{"e2e":1,"g":0,"iv":"AAAAAAAAAAAAAAAA","ct":"q83vEjRWeJA"}""")]
    [InlineData("""{"ct":"q8-_","iv":"AA","g":12,"e2e":1}""")]
    [InlineData("null")]
    [InlineData("")]
    public void Accepts_a_sealed_payload_in_any_field_order_and_null(string payload) =>
        Assert.True(SealedPayload.IsValid(Encoding.UTF8.GetBytes(payload)));

    [Theory]
    [InlineData("""{"name":"Ada"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":"AA","ct":"AA","name":"Ada"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":"AA","ct":"AA","ct":"BB"}""")]
    [InlineData("""{"e2e":"1","g":0,"iv":"AA","ct":"AA"}""")]
    [InlineData("""{"e2e":2,"g":0,"iv":"AA","ct":"AA"}""")]
    [InlineData("""{"e2e":1,"g":-1,"iv":"AA","ct":"AA"}""")]
    [InlineData("""{"e2e":1,"g":1.5,"iv":"AA","ct":"AA"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":"AA=","ct":"AA"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":"A+A/","ct":"AA"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":"\u0041A","ct":"AA"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":"","ct":"AA"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":"AA"}""")]
    [InlineData("""{"e2e":1,"iv":"AA","ct":"AA"}""")]
    [InlineData("""{"e2e":1,"g":0,"iv":{"x":"AA"},"ct":"AA"}""")]
    [InlineData("""["e2e",1]""")]
    [InlineData("\"AA\"")]
    [InlineData("42")]
    public void Refuses_anything_that_could_carry_plain_data(string payload) =>
        Assert.False(SealedPayload.IsValid(Encoding.UTF8.GetBytes(payload)));
}
