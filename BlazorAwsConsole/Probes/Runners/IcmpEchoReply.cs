using System.Net;
using System.Net.NetworkInformation;

namespace BlazorAwsConsole.Probes.Runners;

/// <summary>
/// The answer to one ICMP echo: <see cref="IPStatus.Success"/> from the destination, an error
/// (TTL expired, unreachable, packet too big) with the router that sent it, or
/// <see cref="IPStatus.TimedOut"/> with no address. <see cref="RttMs"/> is measured with the
/// high-resolution clock from the send to the receipt of the answer (to the timeout when none came).
/// </summary>
public sealed record IcmpEchoReply(IPStatus Status, IPAddress? From, double RttMs);
