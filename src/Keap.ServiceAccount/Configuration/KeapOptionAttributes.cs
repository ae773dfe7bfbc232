using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Keap.ServiceAccount.Configuration;

// These attributes write the whole message themselves ("Keap:Setting must ... (got ...)") and leave the result's
// member names empty, so the message reads as the setting is named in configuration. The options source generator
// replaces the framework's RangeAttribute with a copy that ignores ErrorMessage and names the CLR type instead.

/// <summary>Failure messages that name the setting as it is written in configuration (<c>Keap:Setting</c>).</summary>
internal static class OptionMessage
{
    /// <summary>The prefix of the generated validators' display names (<c>KeapServiceAccountOptions.Api.Retry.MaxAttempts</c>).</summary>
    private const string Root = nameof(KeapServiceAccountOptions) + ".";

    /// <summary>A setting's configuration key: <c>Keap:</c> and its path, groups joined by <c>:</c> (<c>Api:Retry:MaxAttempts</c>).</summary>
    public static string Name(string path) => KeapServiceAccountOptions.SectionName + ":" + path;

    /// <summary>A member of a group: <c>Name(Group, Member)</c> is <c>Keap:Group:Member</c>.</summary>
    public static string Name(params ReadOnlySpan<string> path) => Name(string.Join(':', path));

    public static ValidationResult Invalid(ValidationContext context, string rule, object? value) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{Name(PathOf(context))} {rule} (got '{value}')."));

    // The generated validators name a nested member by its path from the options type (the validator is called with no
    // name, see KeapServiceAccountOptionsValidator), and a top-level member by its name alone.
    private static string PathOf(ValidationContext context) =>
        context.DisplayName.StartsWith(Root, StringComparison.Ordinal)
            ? context.DisplayName[Root.Length..].Replace('.', ':')
            : context.MemberName ?? context.DisplayName;
}

/// <summary>
/// A <see cref="TimeSpan"/> setting that must be longer than zero (or at least <see cref="AtLeast"/>) and, optionally,
/// below an upper bound. Bounds are invariant <c>d.hh:mm:ss.fff</c> strings, as attribute arguments cannot be TimeSpans.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class PositiveAttribute : ValidationAttribute
{
    /// <summary>An exclusive upper bound, or <see langword="null"/> for none.</summary>
    public string? ShorterThan { get; set; }

    /// <summary>An inclusive lower bound replacing "longer than zero", or <see langword="null"/> for none.</summary>
    public string? AtLeast { get; set; }

    /// <summary>An inclusive upper bound, or <see langword="null"/> for none.</summary>
    public string? AtMost { get; set; }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var shorterThan = Parse(ShorterThan);
        var atLeast = Parse(AtLeast);
        var atMost = Parse(AtMost);
        if (value is TimeSpan span
            && (atLeast is { } minimum ? span >= minimum : span > TimeSpan.Zero)
            && (shorterThan is null || span < shorterThan)
            && (atMost is null || span <= atMost))
        {
            return ValidationResult.Success;
        }

        var rule = atLeast is null ? "must be positive" : $"must be at least {atLeast}";
        rule += shorterThan is null ? string.Empty : $" and shorter than {shorterThan}";
        rule += atMost is null ? string.Empty : $" and at most {atMost}";
        return OptionMessage.Invalid(validationContext, rule, value);
    }

    private static TimeSpan? Parse(string? bound) => bound is null ? null : TimeSpan.Parse(bound, CultureInfo.InvariantCulture);
}

/// <summary>An <see cref="int"/> setting that must lie between two bounds, both included.</summary>
/// <param name="minimum">The smallest allowed value.</param>
/// <param name="maximum">The largest allowed value.</param>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class BetweenAttribute(int minimum, int maximum) : ValidationAttribute
{
    public int Minimum { get; } = minimum;

    public int Maximum { get; } = maximum;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is int number && number >= Minimum && number <= Maximum
            ? ValidationResult.Success
            : OptionMessage.Invalid(validationContext, Maximum == int.MaxValue ? $"must be at least {Minimum}" : $"must be between {Minimum} and {Maximum}", value);
}

/// <summary>A <see cref="double"/> setting that must be a share: greater than 0 and at most 1.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class RatioAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is double ratio && ratio is > 0 and <= 1
            ? ValidationResult.Success
            : OptionMessage.Invalid(validationContext, "must be greater than 0 and at most 1", value);
}

/// <summary>A URI setting that must be an absolute <c>http</c> or <c>https</c> URI without user info.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class HttpUriAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is Uri { IsAbsoluteUri: true, UserInfo.Length: 0 } uri && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? ValidationResult.Success
            : OptionMessage.Invalid(validationContext, "must be an absolute http(s) URI without user info", WithoutUserInfo(value));

    // User info may hold a password: the message quotes the rest of the URI only.
    private static object? WithoutUserInfo(object? value) =>
        value is Uri { IsAbsoluteUri: true } uri && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri
            : value;
}
