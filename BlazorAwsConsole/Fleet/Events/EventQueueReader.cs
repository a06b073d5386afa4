using Amazon.SQS.Model;
using BlazorAwsConsole.Infrastructure;

namespace BlazorAwsConsole.Fleet.Events;

/// <summary>
/// Reads one region's event queue until cancelled: long polls (ReceiveMessage), applies each message,
/// and deletes it once applied or once it is known to be poison (not JSON, a foreign event, an unknown
/// instance — logged once, as it is deleted). A message whose handling throws (AWS unreachable, the
/// database busy) is not deleted: it comes back after the queue's visibility timeout, and after the
/// queue's maxReceiveCount its redrive policy moves it to the dead-letter queue. Failures to read the
/// queue are shown on the region and retried with backoff; nothing stops the loop but cancellation.
/// </summary>
public sealed class EventQueueReader(
    string region,
    string queueUrl,
    AwsClientFactory aws,
    FleetEventHandler handler,
    EventQueueBoard board,
    TimeProvider time,
    int waitSeconds,
    ILogger logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    public string Region => region;
    public string QueueUrl => queueUrl;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        board.Started(region, queueUrl);
        var backoff = TimeSpan.FromSeconds(1);
        string? lastError = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            List<Message> messages;
            try
            {
                var response = await aws.Sqs(region).ReceiveMessageAsync(new ReceiveMessageRequest
                {
                    QueueUrl = queueUrl,
                    MaxNumberOfMessages = 10,
                    WaitTimeSeconds = waitSeconds,
                    MessageSystemAttributeNames = ["ApproximateReceiveCount"],
                }, cancellationToken);
                messages = response.Messages ?? [];
                board.Received(region);
                if (lastError is not null) logger.LogInformation("Event queue of {Region} is read again", region);
                (lastError, backoff) = (null, TimeSpan.FromSeconds(1));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                var reason = AwsErrors.Describe(ex);
                board.Failed(region, reason);
                // Once per distinct error, not once per retry.
                if (reason != lastError) logger.LogWarning("Cannot read the event queue of {Region} ({QueueUrl}): {Reason}", region, queueUrl, reason);
                lastError = reason;
                try { await Task.Delay(backoff, time, cancellationToken); } catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var message in messages)
            {
                if (cancellationToken.IsCancellationRequested) return;
                await HandleAsync(message, cancellationToken);
            }
        }
    }

    private async Task HandleAsync(Message message, CancellationToken cancellationToken)
    {
        EventOutcome outcome;
        try
        {
            outcome = await handler.HandleAsync(message.Body, region, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var receives = message.Attributes?.GetValueOrDefault("ApproximateReceiveCount") ?? "?";
            logger.LogWarning("Event message {MessageId} from {Region} failed (received {Receives} times); left on the queue for its redrive policy: {Reason}",
                message.MessageId, region, receives, AwsErrors.Describe(ex));
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!outcome.Applied)
        {
            board.Rejected(region);
            logger.LogWarning("Event message {MessageId} from {Region} ignored and deleted: {Reason}", message.MessageId, region, outcome.Description);
        }
        else
        {
            board.Applied(region);
            if (outcome.InstancesLeftOff > 0)
            {
                logger.LogWarning("Event message {MessageId} from {Region} named more instances than are read per event: {Outcome}",
                    message.MessageId, region, outcome.Description);
            }
        }
        try
        {
            await aws.Sqs(region).DeleteMessageAsync(queueUrl, message.ReceiptHandle, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Applied already; a second delivery re-reads the same instance and changes nothing.
            logger.LogWarning("Could not delete event message {MessageId} from {Region}: {Reason}", message.MessageId, region, AwsErrors.Describe(ex));
        }
        catch (OperationCanceledException) { }
    }
}
