using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MigratedSample.Tests;

/// <summary>How the sample picks its registration.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void An_unknown_implementation_stops_the_app_with_the_choices()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Sessions:Implementation", "Redis"));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());

        Assert.Equal("Sessions:Implementation is 'Redis'; use TypedSessions or AspNetCore.", error.Message);
    }
}
