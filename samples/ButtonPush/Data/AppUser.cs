namespace ButtonPush.Data;

/// <summary>A signed-up user as stored in the <c>users</c> table.</summary>
internal sealed record AppUser(long Id, string Email, string Name, string PasswordHash, bool IsAdmin, string? KeapContactId);
