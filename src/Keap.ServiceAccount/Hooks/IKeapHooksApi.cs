using Refit;

namespace Keap.ServiceAccount.Hooks;

/// <summary>The HTTP contract of Keap's v1 REST hook endpoints, relative to the API base address.</summary>
internal interface IKeapHooksApi
{
    [Get("/rest/v1/hooks/event_keys")]
    Task<List<string>> ListEventKeysAsync(CancellationToken cancellationToken);

    /// <summary>Each arrival adds a subscription, so it is never repeated after it may have reached Keap.</summary>
    [Post("/rest/v1/hooks")]
    Task<HookDto> SubscribeAsync([Body] HookWriteDto hook, CancellationToken cancellationToken);

    [Get("/rest/v1/hooks")]
    Task<List<HookDto>> ListAsync(CancellationToken cancellationToken);

    [Get("/rest/v1/hooks/{key}")]
    Task<HookDto> GetAsync(string key, CancellationToken cancellationToken);

    [Put("/rest/v1/hooks/{key}")]
    Task<HookDto> UpdateAsync(string key, [Body] HookWriteDto hook, CancellationToken cancellationToken);

    [Delete("/rest/v1/hooks/{key}")]
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Running the handshake again leaves one subscription in one state, so it is repeatable.</summary>
    [Post("/rest/v1/hooks/{key}/verify")]
    [KeapRepeatable]
    Task<HookDto> VerifyAsync(string key, CancellationToken cancellationToken);

    /// <summary>Completing the same handshake twice changes nothing, so it is repeatable.</summary>
    [Post("/rest/v1/hooks/{key}/delayedVerify")]
    [KeapRepeatable]
    Task<HookDto> DelayedVerifyAsync(string key, [Header("X-Hook-Secret")] string hookSecret, CancellationToken cancellationToken);
}
