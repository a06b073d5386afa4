using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using BlazorAwsConsole.Infrastructure;
using BlazorAwsConsole.Probes;
using BlazorAwsConsole.Probes.Runners;
using BlazorAwsConsole.Probes.Ssm;
using BlazorAwsConsole.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorAwsConsole.Tests.Probes.Ssm;

/// <summary>
/// The runner in the real console against moto: the command is really sent (moto's ListCommands shows
/// the document and the script with the quoted target), and moto's always-empty output is recorded as
/// a failure, never a success.
/// </summary>
public sealed class SsmProbeRunnerTests(MotoFixture moto) : IClassFixture<MotoFixture>, IAsyncLifetime
{
    private ConsoleHost _host = null!;
    private const string Region = "us-east-1";

    public async Task InitializeAsync() =>
        _host = await ConsoleHost.StartAsync(moto, builder => builder.Services.AddSsmProbes(),
            "Probes:Ssm:FirstPollMilliseconds=50", "Probes:Ssm:MaxPollMilliseconds=200");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IAmazonSimpleSystemsManagement MotoSsm() => new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("test", "test"),
        new AmazonSimpleSystemsManagementConfig { ServiceURL = moto.Endpoint, AuthenticationRegion = Region });

    [Fact]
    public async Task The_command_is_sent_with_the_quoted_script_and_empty_output_is_a_failure()
    {
        var instanceId = await Ec2Fleet.LaunchAsync(moto.Ec2(Region), "probe-source");
        var spec = new ProbeSpec
        {
            TestId = 42, Type = ProbeType.Port, Target = "db.internal.example", Port = 5432,
            SendText = "it's $(id)", Timeout = TimeSpan.FromSeconds(5),
            SourceInstanceId = instanceId, SourceRegion = Region,
        };

        var outcome = await _host.Get<SsmProbeRunner>().RunAsync(spec, CancellationToken.None);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be("the instance returned no output");
        outcome.DurationMs.Should().BeGreaterThan(0);
        outcome.StartedAt.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        using var ssm = MotoSsm();
        var commands = (await ssm.ListCommandsAsync(new ListCommandsRequest { InstanceId = instanceId })).Commands;
        var command = commands.Should().ContainSingle().Subject;
        command.DocumentName.Should().Be("AWS-RunShellScript");
        // moto adds every instance of the region to a command sent without Targets; AWS would list only ours.
        command.InstanceIds.Should().Contain(instanceId);
        command.Comment.Should().Be("BlazorAwsConsole synthetic test 42 (port)");
        command.Parameters["commands"].Should().Equal(SsmProbeScripts.Build(spec).Lines);
        command.Parameters["commands"].Should().Contain("BAC_HOST='db.internal.example'").And.Contain("BAC_PORT='5432'")
            .And.Contain(@"BAC_SEND='it'\''s $(id)'");
        command.Parameters["executionTimeout"].Should().Equal("10");
        var invocation = await ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = command.CommandId, InstanceId = instanceId });
        invocation.StandardOutputContent.Should().BeEmpty("moto never runs anything");
    }

    [Fact]
    public async Task An_unknown_instance_gets_a_clear_reason_and_no_command()
    {
        const string unknown = "i-0123456789abcdef0";
        var spec = new ProbeSpec { Type = ProbeType.Ping, Target = "10.0.0.1", SourceInstanceId = unknown, SourceRegion = Region };

        var outcome = await _host.Get<SsmProbeRunner>().RunAsync(spec, CancellationToken.None);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().StartWith($"instance {unknown} does not exist in {Region}");
        using var ssm = MotoSsm();
        (await ssm.ListCommandsAsync(new ListCommandsRequest { InstanceId = unknown })).Commands.Should().BeNullOrEmpty();
    }

    [Fact]
    public async Task A_stopped_instance_is_named_as_stopped()
    {
        var ec2 = moto.Ec2(Region);
        var instanceId = await Ec2Fleet.LaunchAsync(ec2, "stopped-source");
        await Ec2Fleet.StopAsync(ec2, instanceId);

        var outcome = await _host.Get<SsmProbeRunner>().RunAsync(
            new ProbeSpec { Type = ProbeType.Ping, Target = "10.0.0.1", SourceInstanceId = instanceId, SourceRegion = Region }, CancellationToken.None);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().Be($"instance {instanceId} is stopped; it must be running to run the probe");
    }

    [Theory]
    [InlineData("i-123; reboot", "us-east-1", "SourceInstanceId: 'i-123; reboot' is not an EC2 instance id")]
    [InlineData(null, "us-east-1", "SourceInstanceId: '' is not an EC2 instance id")]
    [InlineData("i-0123456789abcdef0", null, "SourceRegion: the region of instance i-0123456789abcdef0 is required.")]
    public async Task Bad_source_settings_are_named(string? instanceId, string? region, string reason)
    {
        var outcome = await _host.Get<SsmProbeRunner>().RunAsync(
            new ProbeSpec { Type = ProbeType.Ping, Target = "10.0.0.1", SourceInstanceId = instanceId, SourceRegion = region }, CancellationToken.None);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().StartWith(reason);
    }

    [Fact]
    public async Task A_bad_probe_setting_is_named_before_anything_is_sent()
    {
        var instanceId = await Ec2Fleet.LaunchAsync(moto.Ec2(Region), "bad-setting-source");

        var outcome = await _host.Get<SsmProbeRunner>().RunAsync(new ProbeSpec
        {
            Type = ProbeType.Http, Target = "http://169.254.169.254/latest/meta-data/iam/", SourceInstanceId = instanceId, SourceRegion = Region,
        }, CancellationToken.None);

        outcome.Success.Should().BeFalse();
        outcome.Reason.Should().StartWith("Target: 169.254.169.254 is link-local");
        using var ssm = MotoSsm();
        (await ssm.ListCommandsAsync(new ListCommandsRequest { InstanceId = instanceId })).Commands.Should().BeNullOrEmpty();
    }

    [Fact]
    public async Task Aws_being_unreachable_is_an_outcome_not_an_exception()
    {
        await _host.SetRegionEndpointAsync(Region, ConsoleHost.DeadEndpoint());
        try
        {
            var outcome = await _host.Get<SsmProbeRunner>().RunAsync(
                new ProbeSpec { Type = ProbeType.Ping, Target = "10.0.0.1", SourceInstanceId = "i-0123456789abcdef0", SourceRegion = Region }, CancellationToken.None);

            outcome.Success.Should().BeFalse();
            outcome.Reason.Should().StartWith($"could not reach AWS in {Region}:");
        }
        finally
        {
            await _host.SetRegionEndpointAsync(Region, null);
        }
    }

    [Fact]
    public async Task Cancellation_is_the_one_thing_that_throws()
    {
        var instanceId = await Ec2Fleet.LaunchAsync(moto.Ec2(Region), "cancel-source");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(() => _host.Get<SsmProbeRunner>().RunAsync(
                new ProbeSpec { Type = ProbeType.Ping, Target = "10.0.0.1", SourceInstanceId = instanceId, SourceRegion = Region }, cancelled.Token))
            .Should().ThrowAsync<OperationCanceledException>();
    }
}
