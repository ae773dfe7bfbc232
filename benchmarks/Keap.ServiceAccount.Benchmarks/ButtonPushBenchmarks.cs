using System.Globalization;
using BenchmarkDotNet.Attributes;
using Keap.ServiceAccount.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Keap.ServiceAccount.Benchmarks;

/// <summary>
/// Keap calls per ButtonPush event after warm-up, driving the package calls the ButtonPush sample makes against the
/// sandbox: sign-up upserts the contact by email; the first press gets the <c>buttonpushed</c> tag id (cached after
/// the first lookup) and applies it; later presses are recognised from the user's own record and call nothing.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class ButtonPushBenchmarks
{
    private const string TagName = "buttonpushed";

    private KeapSandboxServer _sandbox = null!;
    private ServiceProvider _services = null!;
    private IKeapContactsClient _contacts = null!;
    private IKeapTagsClient _tags = null!;
    private User _pressedBefore = null!;
    private string _contactId = null!;
    private int _signUps;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sandbox = await KeapSandboxServer.StartAsync();
        _services = KeapServices.ForSandbox(_sandbox);
        await KeapServices.SeedFromSandboxAsync(_services, _sandbox);
        _contacts = _services.GetRequiredService<IKeapContactsClient>();
        _tags = _services.GetRequiredService<IKeapTagsClient>();

        // Warm-up: token in memory, tag id cached, one user who already pressed.
        var contact = await _contacts.UpsertByEmailAsync(new KeapContactInput { Email = "first@example.com", GivenName = "First" });
        _contactId = contact.Contact.Id;
        _pressedBefore = new User(_contactId);
        await PressAsync(_pressedBefore);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Benchmark(Description = "sign-up")]
    public async Task SignUp()
    {
        var before = _sandbox.State.ApiRequests;
        var email = string.Create(CultureInfo.InvariantCulture, $"user{++_signUps}@example.com");
        await _contacts.UpsertByEmailAsync(new KeapContactInput { Email = email, GivenName = "New", FamilyName = "User" });
        KeapCalls.Record(nameof(SignUp), null, _sandbox.State.ApiRequests - before);
    }

    [Benchmark(Description = "first press")]
    public async Task FirstPress()
    {
        var before = _sandbox.State.ApiRequests;

        // A user who has not pressed yet; the contact is the same each time (applying a tag again is the same call).
        await PressAsync(new User(_contactId));
        KeapCalls.Record(nameof(FirstPress), null, _sandbox.State.ApiRequests - before);
    }

    [Benchmark(Description = "later press")]
    public async Task LaterPress()
    {
        var before = _sandbox.State.ApiRequests;
        await PressAsync(_pressedBefore);
        KeapCalls.Record(nameof(LaterPress), null, _sandbox.State.ApiRequests - before);
    }

    private async Task PressAsync(User user)
    {
        // The sample keeps "has pressed" on its user row; only the first press reaches Keap.
        if (user.HasPressed)
        {
            return;
        }

        var tagId = await _tags.GetOrCreateIdAsync(TagName);
        await _tags.ApplyAsync(tagId, [user.ContactId]);
        user.HasPressed = true;
    }

    private sealed class User(string contactId)
    {
        public string ContactId { get; } = contactId;

        public bool HasPressed { get; set; }
    }
}
