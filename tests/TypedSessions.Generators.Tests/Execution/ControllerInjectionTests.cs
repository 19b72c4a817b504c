using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSessions.Generators.Tests.Execution;

/// <summary>MVC controllers get a schema by constructor injection, with no per-schema registration.</summary>
public sealed class ControllerInjectionTests
{
    [Fact]
    public async Task A_controller_receives_the_schema_by_constructor_injection()
    {
        await using var host = await SessionTestHost.StartAsync(
            app => app.MapControllers(),
            services => services.AddControllers().AddApplicationPart(typeof(ProfileController).Assembly));

        await host.GetAsync("/profile/rename?name=hopper");
        Assert.Equal("hopper", (await host.GetAsync("/profile/name")).Body);
    }
}

[ApiController]
[Route("profile")]
public sealed class ProfileController(ShopSession session) : ControllerBase
{
    [HttpGet("rename")]
    public string Rename(string name)
    {
        session.Username = name;
        return "ok";
    }

    [HttpGet("name")]
    public string? Name() => session.Username;
}
