using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Data.Sqlite;
using Microsoft.Net.Http.Headers;

namespace MigratedSample.Tests;

/// <summary>The two registrations the sample runs on (its <c>Sessions:Implementation</c> values).</summary>
internal enum Registration
{
    TypedSessions,
    AspNetCore,
}

/// <summary>
/// The sample in a test host with one registration: the real pipeline from <c>Program</c>, and for TypedSessions its
/// own SQLite file in a per-app temp folder (<c>TypedSessions:ConnectionString</c>), deleted on dispose.
/// </summary>
internal sealed class MigratedFactory(Registration registration) : WebApplicationFactory<Program>
{
    private bool _cleaned;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "migratedsample-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Sessions:Implementation", registration.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("TypedSessions:ConnectionString", new SqliteConnectionStringBuilder { DataSource = Path.Combine(Folder, "sessions.db") }.ToString());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing || _cleaned)
        {
            return;
        }

        _cleaned = true;
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}

/// <summary>
/// One test's app and a browser-like client: a cookie jar (Secure cookies go back over https only, so the base address
/// is https://localhost), redirects returned rather than followed, forms submitted with the antiforgery token they carry.
/// </summary>
internal sealed class MigratedApp : IDisposable
{
    private static readonly Uri BaseAddress = new("https://localhost/");
    private readonly CookieContainerHandler _jar = new();

    public MigratedApp(Registration registration)
    {
        Registration = registration;
        Factory = new MigratedFactory(registration);
        Browser = Factory.CreateDefaultClient(BaseAddress, _jar);
    }

    public Registration Registration { get; }

    public MigratedFactory Factory { get; }

    public HttpClient Browser { get; }

    /// <summary>The session cookie's name: TypedSessions' default, or the built-in session's.</summary>
    public string SessionCookieName => Registration == Registration.TypedSessions ? "__Host-session" : ".AspNetCore.Session";

    /// <summary>The session cookie the browser holds, or <see langword="null"/>.</summary>
    public string? SessionCookie => _jar.Container.GetCookies(BaseAddress)[SessionCookieName]?.Value;

    public Task<HttpResponseMessage> GetAsync(string url) => Browser.GetAsync(new Uri(url, UriKind.Relative));

    /// <summary>GETs a page that must answer 200 with HTML.</summary>
    public async Task<HtmlPage> PageAsync(string url)
    {
        using var response = await GetAsync(url);
        return await HtmlPage.ReadAsync(response);
    }

    /// <summary>POSTs form fields (and the antiforgery token, when given) as a browser submits a form.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string url, string? token, params (string Name, string Value)[] fields)
    {
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        if (token is not null)
        {
            values.Add(new(HtmlPage.AntiforgeryFieldName, token));
        }

        return Browser.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(values));
    }

    /// <summary>Opens <paramref name="pageUrl"/> and submits its form that posts to <paramref name="action"/>, with that form's token.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pageUrl, string action, params (string Name, string Value)[] fields)
    {
        var page = await PageAsync(pageUrl);
        return await PostFormAsync(action, page.AntiforgeryToken(action), fields);
    }

    /// <summary>Asserts a redirect to <paramref name="location"/> and GETs it, as a browser would.</summary>
    public async Task<HtmlPage> FollowAsync(HttpResponseMessage response, string location)
    {
        using (response)
        {
            AssertRedirect(response, location);
        }

        return await PageAsync(location);
    }

    public static void AssertRedirect(HttpResponseMessage response, string location)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    /// <summary>This response's Set-Cookie for the session cookie, or <see langword="null"/>.</summary>
    public SetCookieHeaderValue? SessionSetCookie(HttpResponseMessage response)
        => response.Headers.TryGetValues(HeaderNames.SetCookie, out var values)
            ? SetCookieHeaderValue.ParseList([.. values]).SingleOrDefault(c => c.Name == SessionCookieName)
            : null;

    // The wizard, step by step, through its forms.
    public async Task WizardStep1Async(string name)
    {
        using var response = await SubmitAsync("/Wizard/Step1", "/Wizard/Step1", ("Name", name));
        AssertRedirect(response, "/Wizard/Step2");
    }

    public async Task WizardStep2Async(string email, int seats)
    {
        using var response = await SubmitAsync("/Wizard/Step2", "/Wizard/Step2", ("Email", email), ("Seats", seats.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        AssertRedirect(response, "/Wizard/Confirm");
    }

    public void Dispose()
    {
        Browser.Dispose();
        _jar.Dispose();
        Factory.Dispose();
    }
}
