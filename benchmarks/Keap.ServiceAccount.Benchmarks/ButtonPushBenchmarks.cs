using System.Globalization;
using BenchmarkDotNet.Attributes;
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
    private const int SignUpEmails = 1_000;

    private SandboxedKeap _keap = null!;
    private IKeapContactsClient _contacts = null!;
    private IKeapTagsClient _tags = null!;
    private User _pressedBefore = null!;
    private string _contactId = null!;
    private int _signUps;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _keap = await SandboxedKeap.StartAsync();
        _contacts = _keap.Services.GetRequiredService<IKeapContactsClient>();
        _tags = _keap.Services.GetRequiredService<IKeapTagsClient>();

        // Warm-up: token in memory, tag id cached, one user who already pressed.
        var contact = await _contacts.UpsertByEmailAsync(new KeapContactInput { Email = "first@example.com", GivenName = "First" });
        _contactId = contact.Contact.Id;
        _pressedBefore = new User(_contactId);
        await PressAsync(_pressedBefore);
    }

    [GlobalCleanup]
    public Task CleanupAsync() => _keap.DisposeAsync().AsTask();

    [Benchmark(Description = "sign-up")]
    public async Task SignUp()
    {
        var before = _keap.Sandbox.State.ApiRequests;

        // A bounded pool of addresses: the emulator finds an email by scanning its contacts, so an ever-growing list
        // would time the emulator. Once the pool is used, the upsert updates instead of creates: the same single call.
        var email = string.Create(CultureInfo.InvariantCulture, $"user{++_signUps % SignUpEmails}@example.com");
        await _contacts.UpsertByEmailAsync(new KeapContactInput { Email = email, GivenName = "New", FamilyName = "User" });
        KeapCalls.Record(nameof(SignUp), null, _keap.Sandbox.State.ApiRequests - before);
    }

    [Benchmark(Description = "first press")]
    public async Task FirstPress()
    {
        var before = _keap.Sandbox.State.ApiRequests;

        // A user who has not pressed yet; the contact is the same each time (applying a tag again is the same call).
        await PressAsync(new User(_contactId));
        KeapCalls.Record(nameof(FirstPress), null, _keap.Sandbox.State.ApiRequests - before);
    }

    [Benchmark(Description = "later press")]
    public async Task LaterPress()
    {
        var before = _keap.Sandbox.State.ApiRequests;
        await PressAsync(_pressedBefore);
        KeapCalls.Record(nameof(LaterPress), null, _keap.Sandbox.State.ApiRequests - before);
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
