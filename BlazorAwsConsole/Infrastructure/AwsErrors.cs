using System.Net;
using Amazon.Runtime;

namespace BlazorAwsConsole.Infrastructure;

/// <summary>Turns AWS SDK failures into one line a person can act on, and says whose fault they were.</summary>
public static class AwsErrors
{
    public static string Describe(Exception error) => error switch
    {
        // The SDK may wrap what the credential provider threw; the Vault reason is what matters.
        _ when Find<CredentialsUnavailableException>(error) is { } unavailable => unavailable.Message,
        AmazonServiceException aws when !string.IsNullOrEmpty(aws.ErrorCode) => $"{aws.ErrorCode}: {aws.Message}",
        AmazonServiceException aws when aws.InnerException is not null => Describe(aws.InnerException),
        HttpRequestException http => $"Endpoint unreachable: {http.Message}",
        TaskCanceledException or TimeoutException => "Timed out waiting for AWS",
        _ => error.Message,
    };

    /// <summary>True when AWS answered and refused the request (4xx): the caller's request, not AWS, is at fault.</summary>
    public static bool IsRefusal(Exception error) =>
        error is AmazonServiceException { StatusCode: >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError };

    /// <summary>True when the call never reached AWS because its credentials could not be had (Vault down, sealed, denying).</summary>
    public static bool IsCredentialsUnavailable(Exception error) => Find<CredentialsUnavailableException>(error) is not null;

    private static T? Find<T>(Exception? error) where T : Exception
    {
        for (var depth = 0; error is not null && depth < 8; error = error.InnerException, depth++)
        {
            if (error is T found) return found;
            if (error is AggregateException { InnerExceptions.Count: > 0 } aggregate && Find<T>(aggregate.InnerExceptions[0]) is { } inner) return inner;
        }
        return null;
    }
}

/// <summary>The credentials for an AWS call could not be obtained; the message starts "credentials unavailable:" and carries the reason (Vault's own words).</summary>
public sealed class CredentialsUnavailableException(string reason, Exception? inner = null)
    : Exception($"credentials unavailable: {reason}", inner);
