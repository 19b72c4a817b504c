using System.Net;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Xunit.Abstractions;

namespace MigratedSample.Tests;

/// <summary>
/// The sample's HTTP scenarios, written once and run against both registrations (<see cref="OnTypedSessions"/> and
/// <see cref="OnAspNetCoreSession"/>): the same controllers, pages and views, only the session registration differs.
/// Every request goes through the real pipeline with a browser-like client (cookie jar, https, antiforgery tokens
/// taken from the rendered forms).
/// </summary>
public abstract class MigratedAppScenarios(ITestOutputHelper output)
{
    private protected abstract Registration Registration { get; }

    /// <summary>Whether two requests writing different keys of one session at once keep both writes.</summary>
    private protected abstract bool KeepsConcurrentWritesToDifferentKeys { get; }

    private protected MigratedApp Start() => new(Registration);

    [Fact]
    public async Task The_first_visit_sets_a_Secure_HttpOnly_SameSite_Lax_session_cookie_of_the_registration()
    {
        using var app = Start();

        using var response = await app.GetAsync("/");
        var page = await HtmlPage.ReadAsync(response);

        var cookie = app.SessionSetCookie(response);
        Assert.NotNull(cookie);
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal(Registration == Registration.TypedSessions ? "TypedSessions (SQLite store)" : "Microsoft.AspNetCore.Session (distributed memory cache)", page.Text("sessions"));
    }

    [Theory]
    [InlineData("/Wizard/Step1")]
    [InlineData("/Preferences")]
    public async Task A_page_that_only_reads_the_session_sets_no_session_cookie(string url)
    {
        using var app = Start();

        using var response = await app.GetAsync(url);
        await HtmlPage.ReadAsync(response);

        Assert.Null(app.SessionSetCookie(response));
        Assert.Null(app.SessionCookie);
    }

    [Fact]
    public async Task The_visit_counter_stored_with_SetInt32_counts_each_visit()
    {
        using var app = Start();

        Assert.Equal("1", (await app.PageAsync("/")).Text("visits"));
        Assert.Equal("2", (await app.PageAsync("/")).Text("visits"));
        Assert.Equal("3", (await app.PageAsync("/")).Text("visits"));
    }

    [Fact]
    public async Task Two_browsers_count_their_own_visits()
    {
        using var app = Start();
        using var other = app.Factory.CreateDefaultClient(new Uri("https://localhost/"), new CookieContainerHandler());

        await app.PageAsync("/");
        await app.PageAsync("/");
        using var response = await other.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal("1", (await HtmlPage.ReadAsync(response)).Text("visits"));
        Assert.Equal("3", (await app.PageAsync("/")).Text("visits"));
    }

    [Fact]
    public async Task The_greeting_uses_the_name_stored_with_SetString_until_it_is_forgotten()
    {
        using var app = Start();
        Assert.Equal("Hello, stranger!", (await app.PageAsync("/")).Text("greeting"));

        using (var saved = await app.SubmitAsync("/", "/Home/SetName", ("name", "Ann")))
        {
            MigratedApp.AssertRedirect(saved, "/");
        }

        var home = await app.PageAsync("/");
        Assert.Equal("Hello, Ann!", home.Text("greeting"));
        Assert.Equal("Ann", home.InputValue("name"));

        using (var forgotten = await app.SubmitAsync("/", "/Home/ForgetName"))
        {
            MigratedApp.AssertRedirect(forgotten, "/");
        }

        Assert.Equal("Hello, stranger!", (await app.PageAsync("/")).Text("greeting"));
    }

    [Fact]
    public async Task An_MVC_post_redirect_get_flash_message_shows_once_and_is_gone_on_the_next_GET()
    {
        using var app = Start();
        await app.PageAsync("/");

        var shown = await app.FollowAsync(await app.SubmitAsync("/", "/Home/SetName", ("name", "Ann")), "/");

        Assert.Equal("Nice to meet you, Ann.", shown.Text("flash"));
        Assert.Equal("Hello, Ann!", shown.Text("greeting"));
        var next = await app.PageAsync("/");
        Assert.Null(next.Text("flash"));
        Assert.Equal("Hello, Ann!", next.Text("greeting"));
    }

    [Fact]
    public async Task A_Razor_Page_TempData_property_flash_message_shows_once_and_is_gone_on_the_next_GET()
    {
        using var app = Start();
        Assert.Equal("none yet", (await app.PageAsync("/Preferences")).Text("colour"));

        var shown = await app.FollowAsync(await app.SubmitAsync("/Preferences", "/Preferences", ("colour", "green")), "/Preferences");

        Assert.Equal("Your favourite colour is now green.", shown.Text("flash"));
        Assert.Equal("green", shown.Text("colour"));
        var next = await app.PageAsync("/Preferences");
        Assert.Null(next.Text("flash"));
        Assert.Equal("green", next.Text("colour"));
    }

    [Fact]
    public async Task A_flash_message_set_by_a_Razor_Page_shows_on_an_MVC_view_when_that_is_the_next_page()
    {
        using var app = Start();
        using (var saved = await app.SubmitAsync("/Preferences", "/Preferences", ("colour", "red")))
        {
            MigratedApp.AssertRedirect(saved, "/Preferences");
        }

        Assert.Equal("Your favourite colour is now red.", (await app.PageAsync("/")).Text("flash"));
        Assert.Null((await app.PageAsync("/Preferences")).Text("flash"));
    }

    [Fact]
    public async Task The_wizard_keeps_every_step_across_pages_and_Finish_clears_only_the_wizard()
    {
        using var app = Start();
        using (var named = await app.SubmitAsync("/", "/Home/SetName", ("name", "Ann")))
        {
            MigratedApp.AssertRedirect(named, "/");
        }

        await app.WizardStep1Async("Acme Ltd");
        var step2 = await app.PageAsync("/Wizard/Step2");
        Assert.Equal("Acme Ltd", step2.Text("name"));
        await app.WizardStep2Async("orders@example.com", 3);

        var confirm = await app.PageAsync("/Wizard/Confirm");
        Assert.Equal("Acme Ltd", confirm.Text("name"));
        Assert.Equal("orders@example.com", confirm.Text("email"));
        Assert.Equal("3", confirm.Text("seats"));

        // Going back shows what each step stored.
        Assert.Equal("Acme Ltd", (await app.PageAsync("/Wizard/Step1")).InputValue("Name"));
        step2 = await app.PageAsync("/Wizard/Step2");
        Assert.Equal("orders@example.com", step2.InputValue("Email"));
        Assert.Equal("3", step2.InputValue("Seats"));

        var home = await app.FollowAsync(await app.SubmitAsync("/Wizard/Confirm", "/Wizard/Finish"), "/");
        Assert.Equal("Done: 3 seat(s) for Acme Ltd, confirmation to orders@example.com.", home.Text("flash"));
        Assert.Equal("Hello, Ann!", home.Text("greeting"));

        using (var cleared = await app.GetAsync("/Wizard/Confirm"))
        {
            MigratedApp.AssertRedirect(cleared, "/Wizard/Step1");
        }

        Assert.Equal(string.Empty, (await app.PageAsync("/Wizard/Step1")).InputValue("Name"));
        using (var step2Gone = await app.GetAsync("/Wizard/Step2"))
        {
            MigratedApp.AssertRedirect(step2Gone, "/Wizard/Step1");
        }
    }

    [Fact]
    public async Task Wizard_pages_out_of_order_send_the_visitor_to_the_first_missing_step()
    {
        using var app = Start();

        using (var confirm = await app.GetAsync("/Wizard/Confirm"))
        {
            MigratedApp.AssertRedirect(confirm, "/Wizard/Step1");
        }

        await app.WizardStep1Async("Acme Ltd");
        using (var confirm = await app.GetAsync("/Wizard/Confirm"))
        {
            MigratedApp.AssertRedirect(confirm, "/Wizard/Step2");
        }
    }

    [Fact]
    public async Task Invalid_wizard_input_shows_the_step_again_and_stores_nothing()
    {
        using var app = Start();
        await app.WizardStep1Async("Acme Ltd");

        using var response = await app.SubmitAsync("/Wizard/Step2", "/Wizard/Step2", ("Email", "not an address"), ("Seats", "99"));
        var page = await HtmlPage.ReadAsync(response);

        Assert.Contains("field-validation-error", page.Html, StringComparison.Ordinal);
        Assert.Equal("not an address", page.InputValue("Email"));
        var step2 = await app.PageAsync("/Wizard/Step2");
        Assert.Equal(string.Empty, step2.InputValue("Email"));
        Assert.Equal("1", step2.InputValue("Seats"));
    }

    [Fact]
    public async Task Posts_without_an_antiforgery_token_are_400_and_change_nothing()
    {
        using var app = Start();
        await app.PageAsync("/");
        await app.WizardStep1Async("Acme Ltd");

        using (var mvc = await app.PostFormAsync("/Home/SetName", token: null, ("name", "Mallory")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, mvc.StatusCode);
        }

        using (var wizard = await app.PostFormAsync("/Wizard/Step1", token: null, ("Name", "Mallory Ltd")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wizard.StatusCode);
        }

        using (var page = await app.PostFormAsync("/Preferences", token: null, ("colour", "red")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        }

        using (var forged = await app.PostFormAsync("/Home/SetName", token: "forged", ("name", "Mallory")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        var home = await app.PageAsync("/");
        Assert.Equal("Hello, stranger!", home.Text("greeting"));
        Assert.Null(home.Text("flash"));
        Assert.Equal("Acme Ltd", (await app.PageAsync("/Wizard/Step1")).InputValue("Name"));
        Assert.Equal("none yet", (await app.PageAsync("/Preferences")).Text("colour"));
    }

    [Fact]
    public async Task Two_parallel_posts_on_one_cookie_writing_different_wizard_fields()
    {
        using var app = Start();
        await app.WizardStep1Async("Acme Ltd");
        var cookie = app.SessionCookie;
        Assert.NotNull(cookie);
        var step1Token = (await app.PageAsync("/Wizard/Step1")).AntiforgeryToken("/Wizard/Step1");
        var step2Token = (await app.PageAsync("/Wizard/Step2")).AntiforgeryToken("/Wizard/Step2");

        for (var round = 1; round <= 10; round++)
        {
            var name = $"Name {round}";
            var email = $"user{round}@example.com";
            var seats = round + 1;

            var responses = await Task.WhenAll(
                app.PostFormAsync("/Wizard/Step1", step1Token, ("Name", name)),
                app.PostFormAsync("/Wizard/Step2", step2Token, ("Email", email), ("Seats", seats.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            MigratedApp.AssertRedirect(responses[0], "/Wizard/Step2");
            MigratedApp.AssertRedirect(responses[1], "/Wizard/Confirm");
            foreach (var response in responses)
            {
                response.Dispose();
            }

            var storedName = (await app.PageAsync("/Wizard/Step1")).InputValue("Name");
            var step2 = await app.PageAsync("/Wizard/Step2");
            if (KeepsConcurrentWritesToDifferentKeys)
            {
                // TypedSessions saves only the keys a request changed and merges them into the stored session.
                Assert.Equal(name, storedName);
                Assert.Equal(email, step2.InputValue("Email"));
                Assert.Equal(seats.ToString(System.Globalization.CultureInfo.InvariantCulture), step2.InputValue("Seats"));
            }
            else
            {
                // The built-in session writes the whole session it loaded: which request commits last decides whether
                // the other's field survives. Deterministic: both were answered as saved, and at least the last
                // commit's field is there.
                var emailKept = step2.InputValue("Email") == email;
                output.WriteLine($"round {round}: name {(storedName == name ? "kept" : "lost")}, e-mail {(emailKept ? "kept" : "lost")}");
                Assert.True(storedName == name || emailKept, $"round {round}: neither write is stored");
            }
        }

        Assert.Equal(cookie, app.SessionCookie);
    }
}
