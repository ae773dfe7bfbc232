using System.Net;
using System.Reflection;
using Keap.ServiceAccount.Http;
using Polly.CircuitBreaker;
using Polly.RateLimiting;

namespace Keap.ServiceAccount.Tests.Http;

public sealed class KeapApiExceptionTests
{
    [Fact]
    public void What_the_package_reports_cannot_be_changed_by_whoever_catches_it()
    {
        var settable = typeof(KeapApiException)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.SetMethod is { IsPublic: true } or { IsFamily: true } or { IsFamilyOrAssembly: true })
            .Select(p => p.Name);

        Assert.Empty(settable);
    }

    [Fact]
    public void A_test_double_can_report_a_status_without_keap_details()
    {
        var error = new KeapApiException("Keap is down.", HttpStatusCode.ServiceUnavailable);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Null(error.ErrorCode);
        Assert.Empty(error.Details);
    }

    public static TheoryData<Exception> NoAnswers => [new HttpRequestException("refused"), new BrokenCircuitException(), new RateLimiterRejectedException()];

    [Theory]
    [MemberData(nameof(NoAnswers))]
    public void A_call_that_got_no_answer_has_no_status(Exception cause)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://keap.test/crm/rest/v2/contacts/1");

        var error = Assert.IsType<KeapApiException>(KeapApiErrors.FromTransportFailure(request, cause, CancellationToken.None));

        Assert.Null(error.StatusCode);
    }
}
