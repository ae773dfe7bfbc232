using Keap.ServiceAccount;

namespace ButtonPush.Hooks;

/// <summary>
/// The app's REST hook subscriptions as Keap last listed them, for the admin panel. The panel asks for a fresh list on
/// each visit and shows the last one it has, so a page never waits on Keap (which paces the app's calls and may be
/// slow); the list arrives in the background for the next visit.
/// </summary>
internal sealed class HookSubscriptionsView(IKeapHookSubscriptions subscriptions, IHostApplicationLifetime lifetime, TimeProvider time)
{
    private HookSubscriptionList? current;
    private int listing;

    /// <summary>The last list Keap gave, or why none could be read; <see langword="null"/> before the first answer.</summary>
    public HookSubscriptionList? Current => Volatile.Read(ref current);

    /// <summary>Starts reading the list unless a read is already on its way; returns at once.</summary>
    public void Refresh()
    {
        if (Interlocked.Exchange(ref listing, 1) == 0)
        {
            _ = Task.Run(() => ReadAsync(subscriptions.ListAsync), CancellationToken.None);
        }
    }

    private async Task ReadAsync(Func<CancellationToken, Task<IReadOnlyList<KeapHookSubscription>>> read)
    {
        try
        {
            var list = await read(lifetime.ApplicationStopping);
            Volatile.Write(ref current, new HookSubscriptionList(list, null, time.GetUtcNow()));
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            // Never Keap's message: it may quote a hook URL, which holds the receiver's secret.
            var note = ex switch
            {
                KeapApiException { StatusCode: { } status } => $"Keap answered {(int)status} when asked for the subscriptions.",
                KeapApiException => "Keap could not be reached for the subscriptions.",
                KeapAuthorizationException => "No usable Keap token to read the subscriptions.",
                _ => $"The subscriptions could not be read ({ex.GetType().Name}).",
            };
            Volatile.Write(ref current, new HookSubscriptionList([], note, time.GetUtcNow()));
        }
        finally
        {
            Volatile.Write(ref listing, 0);
        }
    }
}

/// <summary>The subscriptions as Keap listed them at <see cref="At"/> (UTC), or <see cref="Note"/> saying why not.</summary>
internal sealed record HookSubscriptionList(IReadOnlyList<KeapHookSubscription> Subscriptions, string? Note, DateTimeOffset At);
