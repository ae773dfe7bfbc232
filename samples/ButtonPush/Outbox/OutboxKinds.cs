namespace ButtonPush.Outbox;

/// <summary>The kinds of work the outbox carries to Keap.</summary>
internal static class OutboxKinds
{
    /// <summary>Upsert the user's Keap contact by email and remember its ID.</summary>
    public const string UpsertContact = "upsert-contact";

    /// <summary>Apply the <c>buttonpushed</c> tag to the user's contact.</summary>
    public const string TagButtonPushed = "tag-buttonpushed";

    /// <summary>Apply a change Keap reported through a REST hook, after reading the contact's current state.</summary>
    public const string ApplyHookEvent = "apply-hook-event";
}
