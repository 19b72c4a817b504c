using TypedSessions;

namespace ShopSample.Api;

/// <summary>
/// A write that would take the session past <c>TypedSessions:MaxSessionSize</c> is refused with
/// 413 <c>{"error"}</c>, and every change the request made before it is dropped (<see cref="Session.DiscardChanges"/>):
/// the session, its id and the cookie stay as they were — a login that cycled the id and then failed to store the
/// username changes nothing.
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
            context.HttpContext.GetSession().DiscardChanges();
            return ApiJson.Error(StatusCodes.Status413PayloadTooLarge, ex.Message);
        }
    }
}
