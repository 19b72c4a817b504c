using TypedSessions;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTypedSessions().AddMemoryStore();
var app = builder.Build();
app.UseTypedSessions();
app.MapGet("/health", () => "ok").WithoutSession();
app.Run();

/// <summary>The sample app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
