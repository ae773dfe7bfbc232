using Keap.ServiceAccount;

namespace MyApp;

/// <summary>Keeps Keap in step with your users; register it with <c>services.AddScoped&lt;KeapSync&gt;()</c>.</summary>
public sealed class KeapSync(IKeapContactsClient contacts, IKeapTagsClient tags)
{
    /// <summary>On sign-up: creates the contact, or updates the one with that email (safe to retry).</summary>
    public async Task<string> OnSignUpAsync(string email, string name, bool consentedToEmail, CancellationToken cancellationToken)
    {
        var result = await contacts.UpsertByEmailAsync(new KeapContactInput
        {
            Email = email,
            GivenName = name,
            // Without an opt-in reason Keap keeps the address non-marketable.
            EmailOptInReason = consentedToEmail ? "Ticked \"Email me\" when signing up" : null,
        }, cancellationToken);
        return result.Contact.Id; // store it with the user
    }

    /// <summary>On the first press: tags the contact (the tag is created once and its id cached).</summary>
    public async Task<bool> OnFirstPressAsync(string contactId, CancellationToken cancellationToken)
    {
        var tagId = await tags.GetOrCreateIdAsync("buttonpushed", cancellationToken);
        var results = await tags.ApplyAsync(tagId, [contactId], cancellationToken);
        return results.AllSucceeded; // false when Keap answered NOT_FOUND (the contact was deleted)
    }
}
