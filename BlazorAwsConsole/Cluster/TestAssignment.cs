using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace BlazorAwsConsole.Cluster;

/// <summary>
/// Which member owns a test and when it fires, computed the same way on every node from the test's id and the live
/// member names alone (XxHash64, stable across processes and machines; never <c>string.GetHashCode</c>):
/// rendezvous (highest-random-weight) hashing gives each test to the member with the highest weight for it, so a
/// member joining takes about 1/N of the tests and a member leaving gives away only its own.
/// </summary>
public static class TestAssignment
{
    private const ulong PhaseSeed = 0x5048415345; // "PHASE": a phase is independent of any owner's weight

    /// <summary>The owner of <paramref name="testId"/> among <paramref name="members"/> (node names); null when there are none.</summary>
    public static string? Owner(int testId, IReadOnlyList<string> members)
    {
        string? best = null;
        ulong bestWeight = 0;
        foreach (var member in members)
        {
            var weight = Weight(testId, member);
            // Ties (never seen at 64 bits) go to the lower name, so every node still agrees.
            if (best is null || weight > bestWeight || weight == bestWeight && string.CompareOrdinal(member, best) < 0)
            {
                best = member;
                bestWeight = weight;
            }
        }
        return best;
    }

    /// <summary>The test's weight for one member: the test id hashed with a seed made from the member's name.</summary>
    public static ulong Weight(int testId, string member) =>
        XxHash64.HashToUInt64(IdBytes(testId), unchecked((long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(member))));

    /// <summary>The test's phase within its interval: hash(test id) mod interval, in milliseconds.</summary>
    public static long PhaseMs(int testId, int intervalSeconds) =>
        (long)(XxHash64.HashToUInt64(IdBytes(testId), unchecked((long)PhaseSeed)) % (ulong)(intervalSeconds * 1000L));

    /// <summary>
    /// The test's first fire time at or after <paramref name="notBefore"/>: the instants phase + k × interval from the Unix
    /// epoch. Every node computes the same instants, so a test that moves keeps its rhythm.
    /// </summary>
    public static DateTimeOffset NextFireTime(int testId, int intervalSeconds, DateTimeOffset notBefore)
    {
        var interval = intervalSeconds * 1000L;
        var phase = PhaseMs(testId, intervalSeconds);
        var at = notBefore.ToUnixTimeMilliseconds();
        // Round up to the next aligned instant (notBefore itself when it is one).
        var k = Math.Max(0, (at - phase + interval - 1) / interval);
        return DateTimeOffset.FromUnixTimeMilliseconds(k * interval + phase);
    }

    private static byte[] IdBytes(int testId)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, testId);
        return bytes;
    }
}
