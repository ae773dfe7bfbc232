using Keap.ServiceAccount;
using Refit;

namespace MyApp;

/// <summary>Keap's "add contacts to an automation sequence"; register it with <c>.AddApiClient&lt;IKeapSequencesApi&gt;()</c>.</summary>
public interface IKeapSequencesApi
{
    // Adding a contact already in the sequence changes nothing (ALREADY_IN_SEQUENCE), so a retry is safe.
    [KeapRepeatable]
    [Post("/rest/v2/automations/{automationId}/sequences/{sequenceId}:addContacts")]
    Task<AddToSequenceResult> AddContactsAsync(string automationId, string sequenceId, [Body] AddToSequence request, CancellationToken cancellationToken);
}

public sealed record AddToSequence(IReadOnlyList<string> ContactIds);

/// <summary>Per contact id: SUCCESS, ALREADY_IN_SEQUENCE, CONTACT_DOES_NOT_EXIST or FAILED.</summary>
public sealed record AddToSequenceResult(IReadOnlyDictionary<string, string> AddToAutomationSequenceResults);

public sealed class Onboarding(IKeapSequencesApi sequences)
{
    /// <summary>Starts the welcome sequence; returns the contact ids Keap could not add.</summary>
    public async Task<IReadOnlyList<string>> StartWelcomeAsync(IReadOnlyList<string> contactIds, CancellationToken cancellationToken)
    {
        var result = await sequences.AddContactsAsync("12", "3", new AddToSequence(contactIds), cancellationToken);
        return [.. result.AddToAutomationSequenceResults
            .Where(r => r.Value is not ("SUCCESS" or "ALREADY_IN_SEQUENCE"))
            .Select(r => r.Key)];
    }
}
