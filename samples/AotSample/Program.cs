using AotSample;
using TypedSessions;

// A minimal API (CreateSlimBuilder: the Native AOT template's host) with a session schema. The store comes from
// configuration: TypedSessions:Store = Sqlite or Redis, TypedSessions:ConnectionString (docs/aot.md).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddTypedSessions().AddSqliteStore().AddRedisStore();

var app = builder.Build();
app.UseTypedSessions();

app.MapGet("/", () => "ok");

// Writes every kind of value the schema has: string, int, enum, List<string>, and a [MessagePackObject] type holding a
// list of another [MessagePackObject] type.
app.MapGet("/set", (AotSession session, string name, int visits, Theme theme, string[] tag, string sku, int quantity) =>
{
    session.Name = name;
    session.Visits = visits;
    session.Theme = theme;
    session.Tags = [.. tag];
    session.Cart = new Cart
    {
        Coupon = "WELCOME",
        Lines = [new Line { Sku = sku, Quantity = quantity }, new Line { Sku = sku + "-2", Quantity = quantity * 2 }],
    };
    return "stored";
});

// Changes a stored list in place: saved because the session encodes it again at the end of the request.
app.MapGet("/add", (AotSession session, string sku) =>
{
    session.Cart ??= new Cart();
    session.Cart.Lines.Add(new Line { Sku = sku, Quantity = 1 });
    return "added";
});

app.MapGet("/get", (AotSession session) =>
    $"{session.Name}|{session.Visits}|{session.Theme}|{string.Join(',', session.Tags)}|{session.Cart?.Coupon}|"
    + string.Join(',', (session.Cart?.Lines ?? []).Select(l => $"{l.Sku}:{l.Quantity}")));

app.Run();
