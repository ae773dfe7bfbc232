using System.Net;
using System.Reflection;

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
}
