using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Keap.ServiceAccount.Tokens.Internal;

/// <summary>Reports what a finished refresh run did: metrics, the trace, the connection status, the logs and the failure pause.</summary>
internal sealed class RefreshRecorder
{
    private readonly ConnectionStatusTracker _status;
    private readonly RefreshBackoff _backoff;
    private readonly ILogger _logger;
    private readonly TokenTelemetry _telemetry;

    // 1 once "not connected" was logged; any other outcome sets it back, so the next disconnect is logged again.
    private int _notConnectedLogged;

    public RefreshRecorder(TokenCache cache, ConnectionStatusTracker status, RefreshBackoff backoff, TimeProvider timeProvider, IMeterFactory meterFactory, ILogger<RefreshCoordinator> logger)
    {
        _status = status;
        _backoff = backoff;
        _logger = logger;
        _telemetry = new TokenTelemetry(meterFactory, () => cache.Current is { } c ? (c.Stored.Token.AccessTokenExpiresAt - timeProvider.GetUtcNow()).TotalSeconds : null);
    }

    public void Record(RefreshOutcome outcome, TimeSpan duration, Activity? activity)
    {
        activity?.SetTag("keap.token.refresh.result", outcome.Kind.ToString());
        if (outcome is { Kind: RefreshKind.Failed, State: KeapConnectionState.RefreshFailing or KeapConnectionState.StoreUnavailable })
        {
            // Every path pauses after a transient failure, so Keap and the store are not hammered.
            _backoff.Failed(outcome);
        }
        else
        {
            _backoff.Reset();
        }

        if (outcome is { Kind: RefreshKind.Failed, State: KeapConnectionState.NotConnected })
        {
            // Not being connected is a state, not a refresh failure: no failure metric or error, one line when it starts.
            _status.Recovered();
            if (Interlocked.Exchange(ref _notConnectedLogged, 1) == 0)
            {
                TokenLog.NotConnected(_logger, outcome.Error!);
            }

            return;
        }

        Volatile.Write(ref _notConnectedLogged, 0);
        switch (outcome.Kind)
        {
            case RefreshKind.Refreshed:
                _telemetry.Refreshed(duration);
                _status.Refreshed();
                TokenLog.RefreshSucceeded(_logger, outcome.Token!.Token.AccessTokenExpiresAt);
                break;
            case RefreshKind.KeptInMemory:
                _telemetry.Refreshed(duration);
                _status.Refreshed();
                _status.Failed(KeapConnectionState.StoreUnavailable, outcome.Error!);
                break;
            case RefreshKind.Adopted:
                _status.Recovered();
                break;
            case RefreshKind.Failed:
                activity?.SetStatus(ActivityStatusCode.Error, outcome.Error);
                _telemetry.Failed(outcome.State.ToString(), duration);
                if (outcome.State == KeapConnectionState.NeedsReauthorization)
                {
                    _status.Recovered();
                    TokenLog.NeedsReauthorization(_logger, outcome.Error!);
                }
                else
                {
                    _status.Failed(outcome.State, outcome.Error!);
                    TokenLog.RefreshFailed(_logger, outcome.Error!);
                }

                break;
        }
    }
}
