using Keap.ServiceAccount;
using Microsoft.AspNetCore.DataProtection;

namespace ButtonPush.Integration;

/// <summary>Encrypts the stored Keap token with ASP.NET Core Data Protection (keys kept in the app's data folder).</summary>
internal sealed class DataProtectionTokenProtector(IDataProtectionProvider provider) : ITokenProtector
{
    private readonly IDataProtector protector = provider.CreateProtector("Keap.ServiceAccount.Token");

    public string Protect(string plaintext) => protector.Protect(plaintext);

    public string Unprotect(string protectedData) => protector.Unprotect(protectedData);
}
