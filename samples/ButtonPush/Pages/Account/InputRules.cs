using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ButtonPush.Pages.Account;

/// <summary>
/// A name as Keap should store it: no control characters (tab, <c>\x01</c>, DEL, NEL) and no invisible format
/// characters (zero-width spaces, direction overrides), which Keap would keep as they are and show garbled.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class PlainTextAttribute : ValidationAttribute
{
    public PlainTextAttribute()
        : base("The name may not contain control or invisible characters (tabs, line breaks, zero-width spaces).")
    {
    }

    public override bool IsValid(object? value) => value is not string text || !text.Any(IsHidden);

    private static bool IsHidden(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
}

/// <summary>
/// An address Keap takes as an email: a dot-atom local part and a domain of letter-digit-hyphen labels ending in a
/// top-level domain of at least two letters. <c>[EmailAddress]</c> alone accepts anything with one <c>@</c>
/// (<c>a@b</c>), which Keap refuses, so the row would only park.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed partial class KeapEmailAttribute : ValidationAttribute
{
    public KeapEmailAttribute()
        : base("Enter an email address like name@example.com.")
    {
    }

    public override bool IsValid(object? value) => value is not string text || text.Trim() is var email && email.Length <= 254 && Pattern().IsMatch(email);

    [GeneratedRegex(
        @"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
