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

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string password)
    {
        var form = await client.GetStringAsync("/account/login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = user,
            ["password"] = password,
            ["returnUrl"] = "/fleet",
            ["__RequestVerificationToken"] = token,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
