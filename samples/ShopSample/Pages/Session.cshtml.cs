using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ShopSample.Shop;
using TypedSessions;

namespace ShopSample.Pages;

/// <summary>
/// <c>/session</c>: what a visitor may see about their own session (never its id) and the expiry variants
/// (Django's <c>set_expiry</c>): default, a shorter idle window, a fixed end, browser close.
/// </summary>
internal sealed class SessionModel(ShopSession shop, TimeProvider time) : PageModel
{
    public IActionResult OnPostExpiry(string? variant)
    {
        var session = shop.Core;
        switch (variant)
        {
            case "default":
                session.ResetExpiry();
                break;
            case "idle5":
                session.SetExpiry(TimeSpan.FromMinutes(5));
                break;
            case "fixed1h":
                session.SetExpiry(time.GetUtcNow().AddHours(1));
                break;
            case "browser":
                session.SetExpiryAtBrowserClose();
                break;
            default:
                return BadRequest();
        }

        return RedirectToPage();
    }

    /// <summary>"in 19 minutes", "in 2 hours 5 minutes".</summary>
    public string Remaining(DateTimeOffset end)
    {
        var left = end - time.GetUtcNow();
        return left <= TimeSpan.Zero ? "now" : "in " + Duration(left);
    }

    public static string Format(DateTimeOffset? instant)
        => instant?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "–";

    public static string Describe(SessionExpiryMode mode) => mode switch
    {
        SessionExpiryMode.Relative => "Your own idle window: it ends after that long without a visit",
        SessionExpiryMode.Absolute => "A fixed end, however active you are",
        SessionExpiryMode.BrowserClose => "When the browser closes",
        _ => "As usual: after a while without a visit",
    };

    public static string Describe(TimeSpan? limit, string what)
        => limit is { } value ? $"{Duration(value)} {what}" : $"no limit {what}";

    private static string Duration(TimeSpan span)
    {
        var minutes = (int)Math.Ceiling(span.TotalMinutes);
        var (hours, rest) = (minutes / 60, minutes % 60);
        return (hours, rest) switch
        {
            (0, _) => Plural(rest, "minute"),
            (_, 0) => Plural(hours, "hour"),
            _ => Plural(hours, "hour") + " " + Plural(rest, "minute"),
        };
    }

    private static string Plural(int n, string unit) => n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s");
}
