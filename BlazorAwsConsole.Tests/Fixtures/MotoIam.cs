using System.Xml.Linq;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// IAM users with real moto access keys, made over moto's IAM query API (AWSSDK.IdentityManagement
/// is not served to us). moto's STS GetCallerIdentity names the user of such a key, so a test can
/// see which key a call was signed with.
/// </summary>
public static class MotoIam
{
    public sealed record AccessKey(string UserName, string AccessKeyId, string SecretAccessKey, string UserArn)
    {
        public override string ToString() => $"AccessKey({UserName}, {AccessKeyId})";
    }

    public static async Task<AccessKey> CreateUserWithKeyAsync(MotoFixture moto, string userName)
    {
        var user = await CallAsync(moto, new() { ["Action"] = "CreateUser", ["UserName"] = userName });
        var key = await CallAsync(moto, new() { ["Action"] = "CreateAccessKey", ["UserName"] = userName });
        return new AccessKey(userName, Value(key, "AccessKeyId"), Value(key, "SecretAccessKey"), Value(user, "Arn"));
    }

    /// <summary>An instance profile (no role needed for EC2 to accept it); returns its ARN.</summary>
    public static async Task<string> CreateInstanceProfileAsync(MotoFixture moto, string name)
    {
        var profile = await CallAsync(moto, new() { ["Action"] = "CreateInstanceProfile", ["InstanceProfileName"] = name });
        return Value(profile, "Arn");
    }

    private static async Task<XDocument> CallAsync(MotoFixture moto, Dictionary<string, string> form)
    {
        form["Version"] = "2010-05-08";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, moto.Endpoint + "/") { Content = new FormUrlEncodedContent(form) };
        // moto routes by the service named in the signature's scope; it does not check the signature.
        request.Headers.TryAddWithoutValidation("Authorization",
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static string Value(XDocument document, string element) =>
        document.Descendants().First(e => e.Name.LocalName == element).Value;
}
