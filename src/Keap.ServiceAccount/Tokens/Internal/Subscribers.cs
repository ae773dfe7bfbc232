using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>
/// Raises the token path's events one subscriber at a time: a subscriber that throws is logged and skipped, so it can
/// neither fault the shared refresh every caller awaits nor keep later subscribers (the package's own) from running.
/// </summary>
internal static class Subscribers
{
    public static void Raise(Action? handlers, ILogger logger, string eventName) =>
        Each(handlers, static (handler, _) => ((Action)handler)(), 0, logger, eventName);

    public static void Raise<T1, T2>(Action<T1, T2>? handlers, T1 first, T2 second, ILogger logger, string eventName) =>
        Each(handlers, static (handler, args) => ((Action<T1, T2>)handler)(args.first, args.second), (first, second), logger, eventName);

    private static void Each<TArgs>(Delegate? handlers, Action<Delegate, TArgs> invoke, TArgs args, ILogger logger, string eventName)
    {
        foreach (var handler in handlers?.GetInvocationList() ?? [])
        {
            try
            {
                invoke(handler, args);
            }
            catch (Exception ex)
            {
                TokenLog.SubscriberFailed(logger, ex, eventName);
            }
        }
    }
}
