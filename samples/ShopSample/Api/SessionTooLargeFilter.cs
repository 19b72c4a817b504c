using TypedSessions;

namespace ShopSample.Api;

/// <summary>
/// A write that would take the session past <c>TypedSessions:MaxSessionSize</c> is refused with
/// 413 <c>{"error"}</c>; the session keeps its previous content (nothing is partially written).
/// </summary>
internal sealed class SessionTooLargeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (SessionTooLargeException ex)
        {
            return ApiJson.Error(StatusCodes.Status413PayloadTooLarge, ex.Message);
        }
    }
}
