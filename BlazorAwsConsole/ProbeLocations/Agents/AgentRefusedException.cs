using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;

namespace BlazorAwsConsole.ProbeLocations.Agents;

/// <summary>The console refused the agent: its HTTP status and the problem details' detail, which says why and what to do.</summary>
public sealed class AgentRefusedException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>
    /// Turns the console's 4xx problem details into an <see cref="AgentRefusedException"/> on the agent's side: the
    /// SignalR client only says "401 (Unauthorized)" on its own, this brings the reason (revoked, wrong location, too old).
    /// </summary>
    public sealed class Reader : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json") return response;
            ProblemDetails? problem;
            try
            {
                problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(cancellationToken);
            }
            catch (System.Text.Json.JsonException)
            {
                return response;
            }
            response.Dispose();
            throw new AgentRefusedException(response.StatusCode, problem?.Detail ?? problem?.Title ?? $"HTTP {status}");
        }
    }
}
