using System.Net;
using Amazon.Runtime;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>Turns AWS SDK failures into one line a person can act on, and says whose fault they were.</summary>
public static class AwsErrors
{
    public static string Describe(Exception error) => error switch
    {
        AmazonServiceException aws when !string.IsNullOrEmpty(aws.ErrorCode) => $"{aws.ErrorCode}: {aws.Message}",
        AmazonServiceException aws when aws.InnerException is not null => Describe(aws.InnerException),
        HttpRequestException http => $"Endpoint unreachable: {http.Message}",
        TaskCanceledException or TimeoutException => "Timed out waiting for AWS",
        _ => error.Message,
    };

    /// <summary>True when AWS answered and refused the request (4xx): the caller's request, not AWS, is at fault.</summary>
    public static bool IsRefusal(Exception error) =>
        error is AmazonServiceException { StatusCode: >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError };
}
