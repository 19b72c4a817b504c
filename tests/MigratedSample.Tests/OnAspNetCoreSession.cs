using System.Net;
using Xunit.Abstractions;

namespace MigratedSample.Tests;

/// <summary>
/// The scenarios on ASP.NET Core's built-in session (<c>Sessions:Implementation=AspNetCore</c>: <c>AddSession()</c> over
/// the distributed memory cache), where the schema page does not exist.
/// </summary>
public sealed class OnAspNetCoreSession(ITestOutputHelper output) : MigratedAppScenarios(output)
{
    private protected override Registration Registration => Registration.AspNetCore;

    // Each request commits the whole session it loaded, so one of two concurrent writers can lose its key.
    private protected override bool KeepsConcurrentWritesToDifferentKeys => false;

    [Fact]
    public async Task The_schema_page_is_not_mapped_404_and_not_linked()
    {
        using var app = Start();
        await app.WizardStep1Async("Acme Ltd");

        using var response = await app.GetAsync("/Wizard/Summary");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("/Wizard/Summary", (await app.PageAsync("/")).Html, StringComparison.Ordinal);
    }
}
