using System.Net;
using System.Text.RegularExpressions;

namespace MigratedSample.Tests;

/// <summary>A rendered page, read the way the tests need: elements by id, inputs by name, forms by action.</summary>
internal sealed partial class HtmlPage
{
    /// <summary>The hidden field ASP.NET Core's form tag helper renders in every POST form.</summary>
    public const string AntiforgeryFieldName = "__RequestVerificationToken";

    private HtmlPage(string html, string url)
    {
        Html = html;
        Url = url;
    }

    public string Html { get; }

    public string Url { get; }

    public static async Task<HtmlPage> ReadAsync(HttpResponseMessage response)
    {
        var url = response.RequestMessage?.RequestUri?.PathAndQuery ?? "?";
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: expected 200, got {(int)response.StatusCode}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return new HtmlPage(await response.Content.ReadAsStringAsync(), url);
    }

    /// <summary>The decoded text of the element with this id, or <see langword="null"/> when the page has none.</summary>
    public string? Text(string id)
    {
        var match = Regex.Match(Html, $"""<(?<tag>[a-z0-9]+)\b[^>]*\bid="{Regex.Escape(id)}"[^>]*>(?<text>.*?)</\k<tag>>""", RegexOptions.Singleline);
        return match.Success ? WebUtility.HtmlDecode(match.Groups["text"].Value).Trim() : null;
    }

    /// <summary>The decoded value of the input with this name ("" when it has no value), or <see langword="null"/> when the page has none.</summary>
    public string? InputValue(string name)
    {
        var input = Regex.Match(Html, $"""<input\b[^>]*\bname="{Regex.Escape(name)}"[^>]*>""");
        if (!input.Success)
        {
            return null;
        }

        var value = ValueAttribute().Match(input.Value);
        return value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : string.Empty;
    }

    /// <summary>The antiforgery token of the form that posts to <paramref name="action"/> (a form without an action posts to its page).</summary>
    public string AntiforgeryToken(string action)
    {
        foreach (Match form in Form().Matches(Html))
        {
            var actionAttribute = ActionAttribute().Match(form.Groups["attributes"].Value);
            var target = actionAttribute.Success ? WebUtility.HtmlDecode(actionAttribute.Groups[1].Value) : Url;
            if (!string.Equals(target, action, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var token = Regex.Match(form.Groups["body"].Value, $"""<input\b[^>]*\bname="{AntiforgeryFieldName}"[^>]*>""");
            Assert.True(token.Success, $"The form posting to {action} on {Url} has no antiforgery token.");
            return WebUtility.HtmlDecode(ValueAttribute().Match(token.Value).Groups[1].Value);
        }

        Assert.Fail($"{Url} has no form posting to {action}.");
        return string.Empty;
    }

    [GeneratedRegex("""<form\b(?<attributes>[^>]*)>(?<body>.*?)</form>""", RegexOptions.Singleline)]
    private static partial Regex Form();

    [GeneratedRegex("\\baction=\"([^\"]*)\"")]
    private static partial Regex ActionAttribute();

    [GeneratedRegex("\\bvalue=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
