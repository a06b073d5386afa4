using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// EventBridge on moto, spoken over its JSON protocol (<c>AWSEvents.*</c>) with SigV4 signatures:
/// AWSSDK.EventBridge is not served by our package registry. PutEvents is what AWS itself does when
/// an instance changes: EventBridge wraps the entry in its envelope and delivers it to the rules'
/// targets. Shared with the benchmark (linked there).
/// </summary>
public sealed class MotoEventBridge(string endpoint, string region) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(endpoint), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Puts one event as AWS would publish it; <paramref name="detail"/> is the event's detail object.</summary>
    public async Task<string> PutEventAsync(string source, string detailType, object detail, IReadOnlyList<string> resources)
    {
        var answer = await CallAsync("PutEvents", new
        {
            Entries = new[]
            {
                new { Source = source, DetailType = detailType, Detail = JsonSerializer.Serialize(detail), Resources = resources },
            },
        });
        if (answer.GetProperty("FailedEntryCount").GetInt32() != 0) throw new InvalidOperationException($"PutEvents failed: {answer}");
        return answer.GetProperty("Entries")[0].GetProperty("EventId").GetString()!;
    }

    /// <summary>"EC2 Instance State-change Notification" for an instance, as EC2 publishes it.</summary>
    public Task<string> PutStateChangeAsync(string instanceId, string state) => PutEventAsync("aws.ec2",
        "EC2 Instance State-change Notification", new Dictionary<string, string> { ["instance-id"] = instanceId, ["state"] = state },
        [$"arn:aws:ec2:{region}:123456789012:instance/{instanceId}"]);

    public async Task<JsonElement> CallAsync(string action, object body)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", $"AWSEvents.{action}");
        Sign(request, payload, DateTime.UtcNow);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"EventBridge {action}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>AWS Signature Version 4 over host, content type, date and target (test/test, as moto accepts any key).</summary>
    private void Sign(HttpRequestMessage request, byte[] payload, DateTime now)
    {
        const string accessKey = "test", secretKey = "test", service = "events";
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'");
        var date = now.ToString("yyyyMMdd");
        request.Headers.Add("X-Amz-Date", amzDate);
        var host = _http.BaseAddress!.Authority;
        var target = request.Headers.GetValues("X-Amz-Target").Single();
        const string signedHeaders = "content-type;host;x-amz-date;x-amz-target";
        var canonical = $"POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:{host}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n\n{signedHeaders}\n{Hex(SHA256.HashData(payload))}";
        var scope = $"{date}/{region}/{service}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { date, region, service, "aws4_request" }) key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public void Dispose() => _http.Dispose();
}
