using Xunit.Abstractions;

namespace MigratedSample.Tests;

/// <summary>The scenarios on TypedSessions (<c>Sessions:Implementation=TypedSessions</c>, SQLite), and the schema page.</summary>
public sealed class OnTypedSessions(ITestOutputHelper output) : MigratedAppScenarios(output)
{
    private protected override Registration Registration => Registration.TypedSessions;

    private protected override bool KeepsConcurrentWritesToDifferentKeys => true;

    [Fact]
    public async Task The_schema_page_shows_what_the_ISession_wizard_wrote()
    {
        using var app = Start();
        await app.WizardStep1Async("Acme Ltd");
        var partial = await app.PageAsync("/Wizard/Summary");
        Assert.Equal("Acme Ltd", partial.Text("name"));
        Assert.Equal("(not set)", partial.Text("email"));
        Assert.Equal("(not set)", partial.Text("seats"));
        Assert.Equal("Some steps are still open.", partial.Text("complete"));

        await app.WizardStep2Async("orders@example.com", 12);
        var summary = await app.PageAsync("/Wizard/Summary");

        // A typed string reads what SetString wrote; a typed int? what SetInt32 wrote.
        Assert.Equal("Acme Ltd", summary.Text("name"));
        Assert.Equal("orders@example.com", summary.Text("email"));
        Assert.Equal("12", summary.Text("seats"));
        Assert.Equal("Every step is answered.", summary.Text("complete"));

        using (var finished = await app.SubmitAsync("/Wizard/Confirm", "/Wizard/Finish"))
        {
            MigratedApp.AssertRedirect(finished, "/");
        }

        var cleared = await app.PageAsync("/Wizard/Summary");
        Assert.Equal("(not set)", cleared.Text("name"));
        Assert.Equal("(not set)", cleared.Text("seats"));
    }

    [Fact]
    public async Task The_schema_page_and_the_MVC_wizard_agree_on_values_changed_through_ISession()
    {
        using var app = Start();
        await app.WizardStep1Async("Acme Ltd");
        await app.WizardStep2Async("orders@example.com", 2);
        await app.WizardStep1Async("Acme Holdings");
        await app.WizardStep2Async("billing@example.com", 40);

        var summary = await app.PageAsync("/Wizard/Summary");
        var confirm = await app.PageAsync("/Wizard/Confirm");

        foreach (var id in new[] { "name", "email", "seats" })
        {
            Assert.Equal(confirm.Text(id), summary.Text(id));
        }

        Assert.Equal("Acme Holdings", summary.Text("name"));
        Assert.Equal("40", summary.Text("seats"));
    }

    [Fact]
    public async Task A_new_visitor_on_the_schema_page_reads_nothing_and_gets_no_session_cookie()
    {
        using var app = Start();

        using var response = await app.GetAsync("/Wizard/Summary");
        var page = await HtmlPage.ReadAsync(response);

        Assert.Equal("(not set)", page.Text("name"));
        Assert.Null(app.SessionSetCookie(response));
        Assert.Null(app.SessionCookie);
    }

    [Fact]
    public async Task The_layout_links_the_schema_page()
    {
        using var app = Start();

        var home = await app.PageAsync("/");

        Assert.Contains("href=\"/Wizard/Summary\"", home.Html, StringComparison.Ordinal);
    }
}
