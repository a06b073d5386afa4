using System.Net;
using System.Text.RegularExpressions;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>An HTTP client that signs in through the real sign-in form (antiforgery token and all) and keeps the cookie.</summary>
public static partial class SignedInClient
{
    public static async Task<HttpClient> CreateAsync(ConsoleHost console, string user, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = console.BaseAddress,
        };
        var response = await SignInAsync(client, user, password);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().NotContain("error=");
        return client;
    }

    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string password, string returnUrl = "/fleet") =>
        PostFormAsync(client, "/account/login", "/account/login", new()
        {
            ["username"] = user,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        });

    /// <summary>Posts a form as a browser would: with the antiforgery token of the page it was on.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pagePath, string path, Dictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(pagePath);
        fields["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value;
        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
