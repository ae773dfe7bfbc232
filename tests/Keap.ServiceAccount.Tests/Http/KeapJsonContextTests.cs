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
        Assert.Equal(expected, JsonSerializer.Deserialize(json, ContactsJsonContext.Default.KeapContact)!.Id);

    [Fact]
    public void Unknown_properties_and_unknown_email_slots_are_kept()
    {
        var dto = JsonSerializer.Deserialize(
            """{"id":"1","brand_new":{"a":[1,2]},"email_addresses":[{"email":"x@example.com","field":"EMAIL_FROM_THE_FUTURE"}]}""",
            ContactsJsonContext.Default.KeapContact)!;

        Assert.Equal("EMAIL_FROM_THE_FUTURE", Assert.Single(dto.EmailAddresses).Field);
        Assert.Equal("x@example.com", dto.Email);
        Assert.Equal("""{"a":[1,2]}""", dto.AdditionalProperties["brand_new"].GetRawText());
    }

    [Fact]
    public void Writes_snake_case_and_leaves_unset_fields_out()
    {
        var json = JsonSerializer.Serialize(ContactWriteDto.From(new KeapContactInput { GivenName = "Ada" }, null, null), ContactsJsonContext.Default.ContactWriteDto);

        Assert.Equal("""{"given_name":"Ada"}""", json);
    }

    [Fact]
    public void A_non_scalar_id_is_rejected()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"id":{"x":1}}""", ContactsJsonContext.Default.KeapContact));
    }

    public static TheoryData<string> FeatureContexts => [nameof(ContactsJsonContext), nameof(Keap.ServiceAccount.Tags.TagsJsonContext)];

    [Theory]
    [MemberData(nameof(FeatureContexts))]
    public void Every_feature_context_speaks_the_same_contract_as_the_shared_one(string name)
    {
        var shared = KeapJsonContext.Default.Options;
        var feature = name == nameof(ContactsJsonContext) ? ContactsJsonContext.Default.Options : Keap.ServiceAccount.Tags.TagsJsonContext.Default.Options;

        Assert.Same(shared.PropertyNamingPolicy, feature.PropertyNamingPolicy);
        Assert.Equal(shared.DefaultIgnoreCondition, feature.DefaultIgnoreCondition);
        Assert.Equal(shared.NumberHandling, feature.NumberHandling);
        Assert.Equal(shared.UnmappedMemberHandling, feature.UnmappedMemberHandling);
        Assert.Equal(shared.Converters.Select(c => c.GetType()), feature.Converters.Select(c => c.GetType()));
    }
}
