namespace BlazorAwsConsole.Fleet.Events;

/// <summary>
/// The AWS CLI commands, ready to copy, that make a region's event queue: a dead-letter queue, the
/// queue (redrive after 5 receives, a policy letting only the console's EventBridge rules send), and
/// two rules — EC2's own events, and AWS Health events of the EC2 service — with the queue as target.
/// The tests run exactly this text against moto.
/// </summary>
public static class EventQueueCommands
{
    public const string QueueName = "blazor-aws-console-ec2-events";

    public const string Ec2Pattern =
        """{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification","EC2 Spot Instance Interruption Warning","EC2 Instance Rebalance Recommendation"]}""";

    public const string HealthPattern = """{"source":["aws.health"],"detail-type":["AWS Health Event"],"detail":{"service":["EC2"]}}""";

    public static string For(string region) => $$$$"""
        # EC2 events of {{{{region}}}} for BlazorAwsConsole (bash; needs sqs:*, events:* and sts:GetCallerIdentity)
        export AWS_REGION={{{{region}}}} AWS_DEFAULT_REGION={{{{region}}}}
        ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
        QUEUE_ARN=arn:aws:sqs:{{{{region}}}}:$ACCOUNT:{{{{QueueName}}}}
        cd "$(mktemp -d)"
        aws sqs create-queue --queue-name {{{{QueueName}}}}-dlq --attributes MessageRetentionPeriod=1209600
        cat > queue-attributes.json <<EOF
        {"MessageRetentionPeriod": "86400", "VisibilityTimeout": "60",
         "RedrivePolicy": "{\"deadLetterTargetArn\":\"$QUEUE_ARN-dlq\",\"maxReceiveCount\":\"5\"}",
         "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"EventBridgeSendsEc2Events\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"events.amazonaws.com\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"$QUEUE_ARN\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":[\"arn:aws:events:{{{{region}}}}:$ACCOUNT:rule/{{{{QueueName}}}}\",\"arn:aws:events:{{{{region}}}}:$ACCOUNT:rule/{{{{QueueName}}}}-health\"]}}}]}"}
        EOF
        aws sqs create-queue --queue-name {{{{QueueName}}}} --attributes file://queue-attributes.json
        aws events put-rule --name {{{{QueueName}}}} --event-pattern '{{{{Ec2Pattern}}}}'
        aws events put-rule --name {{{{QueueName}}}}-health --event-pattern '{{{{HealthPattern}}}}'
        aws events put-targets --rule {{{{QueueName}}}} --targets "Id=console,Arn=$QUEUE_ARN"
        aws events put-targets --rule {{{{QueueName}}}}-health --targets "Id=console,Arn=$QUEUE_ARN"
        # The URL to paste as the region's event queue:
        aws sqs get-queue-url --queue-name {{{{QueueName}}}} --query QueueUrl --output text
        """;
}
