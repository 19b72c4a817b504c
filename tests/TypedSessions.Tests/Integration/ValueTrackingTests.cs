namespace TypedSessions.Tests.Integration;

public sealed class ValueTrackingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_value_mutated_in_place_is_saved_without_a_second_Set(bool peekBytesFirst)
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/list/add?value=1&peek=false");
        app.Store.Reset();

        await client.PostAsync($"/list/add?value=2&peek={peekBytesFirst}");

        Assert.Equal(1, app.Store.Calls("save"));
        Assert.Equal("1,2", await client.GetStringAsync("/list"));
    }

    [Fact]
    public async Task Reading_a_reference_value_without_changing_it_writes_nothing()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/list/add?value=1&peek=false");
        app.Store.Reset();

        Assert.Equal("1", await client.GetStringAsync("/list"));

        Assert.Equal(1, app.Store.TotalCalls);
    }
}
