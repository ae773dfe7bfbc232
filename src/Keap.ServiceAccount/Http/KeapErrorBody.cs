using System.Text.Json.Serialization;

namespace Keap.ServiceAccount.Http;

/// <summary>Keap's v2 error body.</summary>
internal sealed class ErrorDto
{
    public string? Code { get; set; }

    public string? Message { get; set; }

    public string? Status { get; set; }

    public List<ErrorDetailDto>? Details { get; set; }

    /// <summary>The gateway's body instead of Keap's, e.g. on a 429 from the quota or spike arrest policy.</summary>
    public GatewayFaultDto? Fault { get; set; }
}

/// <summary>The API gateway's error: <c>{"fault":{"faultstring":"…","detail":{"errorcode":"policies.ratelimit.QuotaViolation"}}}</c>.</summary>
internal sealed class GatewayFaultDto
{
    [JsonPropertyName("faultstring")]
    public string? FaultString { get; set; }

    public GatewayFaultDetailDto? Detail { get; set; }
}

/// <summary>The <c>detail</c> of a <see cref="GatewayFaultDto"/>.</summary>
internal sealed class GatewayFaultDetailDto
{
    [JsonPropertyName("errorcode")]
    public string? ErrorCode { get; set; }
}

/// <summary>One entry of <see cref="ErrorDto.Details"/>.</summary>
internal sealed class ErrorDetailDto
{
    public string? Domain { get; set; }

    public string? Resource { get; set; }
}
