using System.Text.Json;
using BlazorAwsConsole.Fleet.Events;

namespace BlazorAwsConsole.Tests.Fleet.Events;

/// <summary>Message bodies in the shapes AWS documents for each event (EC2 and AWS Health user guides), and what is not one.</summary>
public sealed class Ec2EventParserTests
{
    // From the EC2 user guide, "State change events" (EventBridge delivers the event to SQS as the message body).
    private const string StateChange = """
        {
           "id":"7bf73129-1428-4cd3-a780-95db273d1602",
           "detail-type":"EC2 Instance State-change Notification",
           "source":"aws.ec2",
           "account":"123456789012",
           "time":"2019-11-11T21:29:54Z",
           "region":"us-east-1",
           "resources":[
              "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"
           ],
           "detail":{
              "instance-id":"i-abcd1111",
              "state":"pending"
           }
        }
        """;

    private const string SpotInterruption = """
        {
            "version": "0",
            "id": "12345678-1234-1234-1234-123456789012",
            "detail-type": "EC2 Spot Instance Interruption Warning",
            "source": "aws.ec2",
            "account": "123456789012",
            "time": "2026-11-28T10:00:00Z",
            "region": "us-east-2",
            "resources": ["arn:aws:ec2:us-east-2a:instance/i-1234567890abcdef0"],
            "detail": {
                "instance-id": "i-1234567890abcdef0",
                "instance-action": "stop"
            }
        }
        """;

    private const string Rebalance = """
        {
            "version": "0",
            "id": "12345678-1234-1234-1234-123456789012",
            "detail-type": "EC2 Instance Rebalance Recommendation",
            "source": "aws.ec2",
            "account": "123456789012",
            "time": "2026-11-28T10:00:00Z",
            "region": "us-east-2",
            "resources": ["arn:aws:ec2:us-east-2:123456789012:instance/i-1234567890abcdef0"],
            "detail": {
                "instance-id": "i-1234567890abcdef0"
            }
        }
        """;

    // From the AWS Health user guide, "Example events".
    private const string Health = """
        {
          "version": "0",
          "id": "121345678-1234-1234-1234-123456789012",
          "detail-type": "AWS Health Event",
          "source": "aws.health",
          "account": "123456789012",
          "time": "2016-06-05T06:27:57Z",
          "region": "us-west-2",
          "resources": [
            "i-abcd1111"
          ],
          "detail": {
            "eventArn": "arn:aws:health:us-west-2::event/AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED_90353408594353980",
            "service": "EC2",
            "eventTypeCode": "AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED",
            "eventTypeCategory": "issue",
            "startTime": "Sat, 05 Jun 2016 15:10:09 GMT",
            "eventDescription": [
              {
                "language": "en_US",
                "latestDescription": "A description of the event will be provided here"
              }
            ],
            "affectedEntities": [
              {
                "entityValue": "i-abcd1111",
                "tags": {
                  "stage": "prod",
                  "app": "my-app"
                }
              }
            ]
          }
        }
        """;

    [Fact]
    public void A_state_change_names_the_instance_its_new_state_region_and_time()
    {
        var parsed = Ec2EventParser.Parse(StateChange).Event!;

        parsed.Kind.Should().Be(Ec2EventKind.StateChange);
        parsed.InstanceIds.Should().Equal("i-abcd1111");
        parsed.State.Should().Be("pending");
        parsed.Region.Should().Be("us-east-1");
        parsed.Time.Should().Be(new DateTime(2019, 11, 11, 21, 29, 54, DateTimeKind.Utc));
    }

    [Fact]
    public void A_spot_interruption_warning_says_what_EC2_will_do()
    {
        var parsed = Ec2EventParser.Parse(SpotInterruption).Event!;

        parsed.Kind.Should().Be(Ec2EventKind.SpotInterruption);
        parsed.InstanceIds.Should().Equal("i-1234567890abcdef0");
        parsed.Field.Should().Be("spot-interruption");
        parsed.Summary.Should().Contain("stop").And.Contain("2 minutes");
    }

    [Fact]
    public void A_rebalance_recommendation_is_understood()
    {
        var parsed = Ec2EventParser.Parse(Rebalance).Event!;

        parsed.Kind.Should().Be(Ec2EventKind.RebalanceRecommendation);
        parsed.Field.Should().Be("rebalance-recommendation");
        parsed.Region.Should().Be("us-east-2");
    }

    [Fact]
    public void An_AWS_Health_event_for_EC2_names_its_affected_instances_code_and_description()
    {
        var parsed = Ec2EventParser.Parse(Health).Event!;

        parsed.Kind.Should().Be(Ec2EventKind.HealthEvent);
        parsed.InstanceIds.Should().Equal("i-abcd1111");
        parsed.Field.Should().Be("health:AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED");
        parsed.Summary.Should().Contain("issue").And.Contain("A description of the event will be provided here");
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("this is not JSON {", "not JSON")]
    [InlineData("[1,2,3]", "not an EventBridge event")]
    [InlineData("""{"Type":"Notification","Message":"hello"}""", "not an EventBridge event")]
    [InlineData("""{"id":"1","source":"aws.s3","detail-type":"Object Created","region":"us-east-1","detail":{"bucket":{"name":"logs"}}}""", "foreign event")]
    [InlineData("""{"id":"1","source":"aws.ec2","detail-type":"EBS Snapshot Notification","region":"us-east-1","detail":{}}""", "foreign event")]
    [InlineData("""{"id":"1","source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","region":"us-east-1","detail":{"state":"stopped"}}""", "no instance-id")]
    [InlineData("""{"id":"1","source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","region":"us-east-1","detail":{"instance-id":"i-abcd1111"}}""", "no state")]
    [InlineData("""{"id":"1","source":"aws.health","detail-type":"AWS Health Event","region":"us-east-1","detail":{"service":"RDS","eventTypeCode":"AWS_RDS_X"}}""", "AWS Health for RDS")]
    [InlineData("""{"id":"1","source":"aws.health","detail-type":"AWS Health Event","region":"us-east-1","detail":{"service":"EC2","eventTypeCode":"AWS_EC2_OPERATIONAL_ISSUE"}}""", "names no instance")]
    public void Anything_else_is_rejected_with_a_reason_never_thrown(string body, string reason)
    {
        var parsed = Ec2EventParser.Parse(body);

        parsed.Event.Should().BeNull();
        parsed.Rejection.Should().Contain(reason);
    }

    /// <summary>An AWS Health event for EC2 as a forged or runaway message could carry it.</summary>
    private static string HealthWith(string code = "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", string category = "scheduledChange", IEnumerable<string>? instances = null,
        string action = "") => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["id"] = "1", ["source"] = "aws.health", ["detail-type"] = "AWS Health Event", ["region"] = "us-east-1", ["resources"] = Array.Empty<string>(),
        ["detail"] = new Dictionary<string, object>
        {
            ["service"] = "EC2", ["eventTypeCode"] = code, ["eventTypeCategory"] = category, ["instance-action"] = action,
            ["affectedEntities"] = (instances ?? ["i-abcd1111"]).Select(i => new { entityValue = i }).ToArray(),
        },
    });

    [Fact]
    public void Event_codes_and_categories_are_kept_to_128_characters_with_a_marker()
    {
        var parsed = Ec2EventParser.Parse(HealthWith(code: "AWS_EC2_" + new string('C', 5000), category: new string('k', 5000))).Event!;

        parsed.Field.Should().StartWith("health:AWS_EC2_CCC").And.EndWith(" more)");
        parsed.Field.Length.Should().BeLessThanOrEqualTo("health:".Length + 128);
        // The summary holds the category and the code, each cut the same way, and nothing else of theirs.
        parsed.Summary.Should().Contain("kkk… (truncated: ").And.Contain("CCC… (truncated: ");
        parsed.Summary.Length.Should().BeLessThan(2 * 128 + 100);
    }

    [Fact]
    public void An_event_naming_150_instances_keeps_the_first_100_and_malformed_ids_are_left_out()
    {
        var ids = Enumerable.Range(0, 150).Select(i => $"i-{i:x17}").ToList();

        var parsed = Ec2EventParser.Parse(HealthWith(instances: ["i-" + new string('f', 5000), "i-abc", "i-XYZ12345", .. ids])).Event!;

        parsed.InstanceIds.Should().Equal(ids.Take(100));
    }

    [Fact]
    public void A_body_larger_than_an_EventBridge_event_can_be_is_rejected_unread()
    {
        var parsed = Ec2EventParser.Parse(HealthWith(action: new string('a', 300 * 1024)));

        parsed.Event.Should().BeNull();
        parsed.Rejection.Should().Contain("larger than an EventBridge event");
    }

    [Fact]
    public void A_rejection_quotes_a_foreign_source_and_type_only_in_part()
    {
        var parsed = Ec2EventParser.Parse(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = "1", ["source"] = "aws." + new string('s', 10_000), ["detail-type"] = new string('t', 10_000), ["region"] = "us-east-1",
            ["detail"] = new Dictionary<string, object>(),
        }));

        parsed.Rejection.Should().StartWith("foreign event (aws.sss").And.Contain("(truncated: ");
        parsed.Rejection!.Length.Should().BeLessThan(400);
    }
}
