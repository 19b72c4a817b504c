using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSessions.Generators.Tests.Execution;

/// <summary>How schemas become services: the generated module initializer, AddSchema, and use outside a request.</summary>
public sealed class SchemaRegistrationTests
{
    [Fact]
    public void AddTypedSessions_registers_the_assemblys_schemas_once_as_scoped_services()
    {
        var services = new ServiceCollection();
        services.AddTypedSessions().AddMemoryStore().AddSchema<ShopSession>();
        services.AddTypedSessions();

        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(ShopSession));
        Assert.Equal(ServiceLifetime.Scoped, descriptor.Lifetime);
        Assert.Contains(services, d => d.ServiceType == typeof(IHttpContextAccessor));
    }

    [Fact]
    public void Resolving_a_schema_outside_a_request_says_why_it_cannot()
    {
        var services = new ServiceCollection();
        services.AddTypedSessions().AddMemoryStore();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();

        var error = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<ShopSession>());
        Assert.Contains("ShopSession can only be resolved while an HTTP request is being handled", error.Message, StringComparison.Ordinal);
    }
}
