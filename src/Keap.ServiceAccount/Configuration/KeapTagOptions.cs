using Keap.ServiceAccount.Configuration;

namespace Keap.ServiceAccount;

/// <summary>The tags client (configuration section <c>Keap:Tags</c>).</summary>
public sealed class KeapTagOptions
{
    /// <summary>How many contact ids one apply/remove-tag call carries. Default 100; from 1 to 1,000.</summary>
    [Between(1, 1000)]
    public int BatchSize { get; set; } = 100;
}
