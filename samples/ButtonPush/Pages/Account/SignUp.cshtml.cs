using System.ComponentModel.DataAnnotations;
using ButtonPush.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace ButtonPush.Pages.Account;

/// <summary>Creates the user (and, in the same transaction, the "upsert contact" outbox row), then signs them in.</summary>
internal sealed class SignUpModel(UserStore users, IPasswordHasher<AppUser> hasher, IConfiguration configuration) : PageModel
{
    [BindProperty]
    public SignUpInput Input { get; set; } = new();

    public bool EmailTaken { get; private set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var email = Input.Email.Trim();
        var adminEmail = configuration["ButtonPush:AdminEmail"];
        var isAdmin = !string.IsNullOrWhiteSpace(adminEmail) && string.Equals(email, adminEmail.Trim(), StringComparison.OrdinalIgnoreCase);
        // The hash does not depend on the user's ID, so it is computed before the row exists.
        var hash = hasher.HashPassword(null!, Input.Password);
        var user = await users.CreateAsync(email, Input.Name.Trim(), hash, isAdmin, Input.MarketingConsent, cancellationToken);
        if (user is null)
        {
            EmailTaken = true;
            return Page();
        }

        await HttpContext.SignInAsync(Roles.Principal(user));
        return LocalRedirect("/");
    }

    internal sealed class SignUpInput
    {
        [Required]
        [KeapEmail]
        [StringLength(254)]
        public string Email { get; set; } = string.Empty;

        // Sent to Keap as given_name, which its v2 spec caps at 40 characters: a longer name would only park its row.
        [Required]
        [StringLength(40, ErrorMessage = "The name may be at most 40 characters: Keap keeps no more for a first name.")]
        [PlainText]
        public string Name { get; set; } = string.Empty;

        [Required]
        [StringLength(200, MinimumLength = 8)]
        [DataType(DataType.Password)]
        public string Password { get; set; } = string.Empty;

        /// <summary>Ticked "email me": sent to Keap as the email's opt-in reason, without which Keap may not email them.</summary>
        public bool MarketingConsent { get; set; }
    }
}
