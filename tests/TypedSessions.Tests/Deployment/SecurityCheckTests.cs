using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.Http;
using TypedSessions.Deployment;

namespace TypedSessions.Tests.Deployment;

/// <summary>The rules of <see cref="SecurityCheck.Run"/> over option values, without a host.</summary>
public sealed class SecurityCheckTests
{
    [Fact]
    public void Defaults_of_TypedSessions_are_clean()
        => Assert.Empty(SecurityCheck.Run(new TypedSessionOptions(), null, null, null));

    [Fact]
    public void Default_cookie_authentication_reports_SameAsRequest_as_a_warning_and_the_14_day_sliding_ticket()
    {
        var findings = SecurityCheck.Run(null, [new("Cookies", new CookieAuthenticationOptions())], null, null);

        Assert.Collection(
            findings,
            // The severity rule (docs/diagnostics/README.md): outside Development an HTTP request gets the cookie without Secure.
            f => Assert.Equal(("TS1002", SecurityFindingSeverity.Warning, "CookieAuthenticationOptions[Cookies].Cookie.SecurePolicy"), (f.RuleId, f.Severity, f.Setting)),
            f => Assert.Equal(("TS1006", "CookieAuthenticationOptions[Cookies].ExpireTimeSpan", "14.00:00:00"), (f.RuleId, f.Setting, f.Value)));
    }

    [Fact]
    public void Session_rules_report_SameSite_None_Domain_disabled_timeout_and_missing_host_prefix()
    {
        var options = new TypedSessionOptions { AbsoluteTimeout = null };
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Cookie.SameSite = SameSiteMode.None;
        options.Cookie.Domain = "example.com";

        var ids = SecurityCheck.Run(options, null, null, null).Select(f => f.RuleId + " " + f.Setting);

        Assert.Equal(
            ["TS1002 TypedSessions:Cookie:SecurePolicy", "TS1004 TypedSessions:Cookie:SameSite", "TS1005 TypedSessions:Cookie:Domain", "TS1007 TypedSessions:AbsoluteTimeout"],
            ids);

        var prefixless = new TypedSessionOptions();
        prefixless.Cookie.UseHostPrefix = false;
        var advice = Assert.Single(SecurityCheck.Run(prefixless, null, null, null));
        Assert.Equal(("TS1009", SecurityFindingSeverity.Info), (advice.RuleId, advice.Severity));
    }

    [Fact]
    public void Cookie_policy_mitigates_like_UseCookiePolicy()
    {
        var antiforgery = new AntiforgeryOptions();
        antiforgery.Cookie.HttpOnly = false;
        antiforgery.Cookie.SameSite = SameSiteMode.None;

        Assert.Equal(["TS1001", "TS1003", "TS1004"], SecurityCheck.Run(null, null, antiforgery, null).Select(f => f.RuleId));
        Assert.Equal(["TS1002", "TS1004"], SecurityCheck.Run(null, null, antiforgery, new CookiePolicyOptions { Secure = CookieSecurePolicy.SameAsRequest, HttpOnly = HttpOnlyPolicy.Always }).Select(f => f.RuleId));
        Assert.Equal(["TS1003"], SecurityCheck.Run(null, null, antiforgery, new CookiePolicyOptions { Secure = CookieSecurePolicy.Always }).Select(f => f.RuleId));
    }

    [Fact]
    public void SameSite_Unspecified_is_TS1012_unless_a_cookie_policy_raises_it_to_Lax()
    {
        var options = new TypedSessionOptions();
        options.Cookie.SameSite = SameSiteMode.Unspecified;
        var antiforgery = new AntiforgeryOptions();
        antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        antiforgery.Cookie.SameSite = SameSiteMode.Unspecified;

        var findings = SecurityCheck.Run(options, null, antiforgery, null);

        Assert.Equal(
            [("TS1012", SecurityFindingSeverity.Warning, "TypedSessions:Cookie:SameSite"), ("TS1012", SecurityFindingSeverity.Warning, "AntiforgeryOptions.Cookie.SameSite")],
            findings.Select(f => (f.RuleId, f.Severity, f.Setting)));
        Assert.Empty(SecurityCheck.Run(options, null, antiforgery, new CookiePolicyOptions { MinimumSameSitePolicy = SameSiteMode.Lax }));
        Assert.Equal(2, SecurityCheck.Run(options, null, antiforgery, new CookiePolicyOptions { MinimumSameSitePolicy = SameSiteMode.None }).Count);
    }

    [Fact]
    public void A_finding_reads_as_one_line_with_its_help_link()
    {
        var options = new TypedSessionOptions();
        options.Cookie.HttpOnly = false;

        var finding = Assert.Single(SecurityCheck.Run(options, null, null, null, sessionSection: "Sessions"));

        Assert.Equal(
            "TS1003: Sessions:Cookie:HttpOnly = False: The cookie is readable by scripts (document.cookie); set HttpOnly to true. (https://github.com/typedsessions/typedsessions/blob/main/docs/diagnostics/TS1003.md)",
            finding.ToString());
    }
}
