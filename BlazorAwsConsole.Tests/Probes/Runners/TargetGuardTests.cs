using System.Net;
using BlazorAwsConsole.Probes.Runners;

namespace BlazorAwsConsole.Tests.Probes.Runners;

public sealed class TargetGuardTests
{
    [Theory]
    [InlineData("169.254.169.254", "169.254.169.254 is link-local (the instance metadata service); add it to Probes:LinkLocalAllowList to allow it")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is link-local (the instance metadata service); add it to Probes:LinkLocalAllowList to allow it")]
    [InlineData("169.254.10.20", "169.254.10.20 is link-local; add it to Probes:LinkLocalAllowList to allow it")]
    [InlineData("::ffff:169.254.169.254", "169.254.169.254 is link-local (the instance metadata service); add it to Probes:LinkLocalAllowList to allow it")]
    [InlineData("http://[::ffff:169.254.169.254]:8080/", "169.254.169.254 is link-local (the instance metadata service); add it to Probes:LinkLocalAllowList to allow it")]
    [InlineData("fe80::1", "fe80::1 is link-local; add it to Probes:LinkLocalAllowList to allow it")]
    [InlineData("febf::1", "febf::1 is link-local; add it to Probes:LinkLocalAllowList to allow it")]
    [InlineData("fd00:ec2::254", "fd00:ec2::254 is link-local (the instance metadata service); add it to Probes:LinkLocalAllowList to allow it")]
    [InlineData("fd00:ec2::123", "fd00:ec2::123 is link-local (the EC2 time service); add it to Probes:LinkLocalAllowList to allow it")]
    public async Task Link_local_targets_are_refused_with_a_reason_naming_the_setting(string target, string reason)
    {
        (await TargetGuard.CheckAsync(target, [], default)).Should().Be(reason);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("localhost")]
    [InlineData("http://localhost:8080/health")]
    [InlineData("10.0.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.1")]
    [InlineData("fec0::1")]
    [InlineData("no-such-host.invalid")]
    public async Task Other_targets_pass(string target)
    {
        (await TargetGuard.CheckAsync(target, [], default)).Should().BeNull();
    }

    [Theory]
    [InlineData("169.254.169.254", "169.254.169.254")]
    [InlineData("169.254.169.254", "169.254.0.0/16")]
    [InlineData("169.254.169.254", " 169.254.169.0/24 ")]
    [InlineData("::ffff:169.254.169.254", "169.254.169.254")]
    [InlineData("fe80::1", "fe80::/10")]
    [InlineData("fe80::1", "fe80::1")]
    public async Task The_allow_list_lets_a_named_address_or_range_through(string target, string allowed)
    {
        (await TargetGuard.CheckAsync(target, [allowed], default)).Should().BeNull();
    }

    [Fact]
    public async Task An_allow_list_entry_for_another_address_does_not()
    {
        (await TargetGuard.CheckAsync("169.254.169.254", ["169.254.1.1", "169.254.170.0/24", "not an ip"], default))
            .Should().StartWith("169.254.169.254 is link-local");
    }

    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.0.0/16", true)]
    [InlineData("fe80::/10", true)]
    [InlineData("metadata", false)]
    [InlineData("169.254.0.0/40", false)]
    public void Allow_list_entries_are_validated(string entry, bool valid) =>
        TargetGuard.IsValidAllowListEntry(entry).Should().Be(valid);

    [Fact]
    public void The_run_time_check_sees_mapped_addresses() =>
        TargetGuard.Refusal(IPAddress.Parse("169.254.169.254").MapToIPv6(), []).Should().StartWith("169.254.169.254 is link-local");
}
