using System.Text.Json;
using Keap.ServiceAccount.Contacts;
using Keap.ServiceAccount.Http;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapJsonContextTests
{
    [Theory]
    [InlineData("""{"id":123}""", "123")]
    [InlineData("""{"id":"123"}""", "123")]
    [InlineData("""{"id":12345678901234567890}""", "12345678901234567890")]
    public void Ids_are_read_from_numbers_and_strings(string json, string expected) =>
        Assert.Equal(expected, JsonSerializer.Deserialize(json, KeapJsonContext.Default.ContactDto)!.Id);

    [Fact]
    public void Unknown_properties_are_ignored_and_unknown_email_slots_are_kept()
    {
        var dto = JsonSerializer.Deserialize(
            """{"id":"1","brand_new":{"a":[1,2]},"email_addresses":[{"email":"x@example.com","field":"EMAIL_FROM_THE_FUTURE"}]}""",
            KeapJsonContext.Default.ContactDto)!;

        Assert.Equal("EMAIL_FROM_THE_FUTURE", Assert.Single(dto.EmailAddresses!).Field);
        Assert.Equal("x@example.com", dto.ToContact().Email);
    }

    [Fact]
    public void Writes_snake_case_and_leaves_unset_fields_out()
    {
        var json = JsonSerializer.Serialize(ContactWriteDto.From(new KeapContactInput { GivenName = "Ada" }), KeapJsonContext.Default.ContactWriteDto);

        Assert.Equal("""{"given_name":"Ada"}""", json);
    }

    [Fact]
    public void A_non_scalar_id_is_rejected()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"id":{"x":1}}""", KeapJsonContext.Default.ContactDto));
    }
}
