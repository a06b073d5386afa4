using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace BlazorAwsConsole.Tests.Fixtures;

/// <summary>
/// A network namespace that looks like an EC2 instance from the inside, for the SSM scripts' link-local
/// guard: a fake instance metadata service (IMDS) on 169.254.169.254:80 and [fd00:ec2::254]:80 (on a veth
/// inside the namespace; this machine has no dummy interfaces) that counts every connection and answers
/// role credentials, and an HTTP server on the namespace's own 127.0.0.1 that redirects (<see cref="Paths"/>).
/// Host names come from /etc/netns/NAME/hosts, which `ip netns exec` bind-mounts over /etc/hosts, so a
/// script run with <see cref="ExecArgs"/> resolves them with getent as an instance would:
/// <code>
/// imds.bac.test → 169.254.169.254      imds6.bac.test  → fd00:ec2::254      own.bac.test → 127.0.0.1
/// mixed.bac.test → 127.0.0.1 and 169.254.169.254     mapped.bac.test → ::ffff:169.254.169.254
/// dual.bac.test → ::1 (first: nothing listens there) and 127.0.0.1     time6.bac.test → fd00:ec2::123
/// </code>
/// The servers' sockets are made inside the namespace (setns on a thread of their own that does nothing
/// else), so the test process serves them without a helper process and reads the hit count directly.
/// Nothing is added to the machine's own namespace: other tests on this machine never see the fake
/// metadata address. The namespace, its veth and the hosts file are deleted on dispose; ones left by
/// dead test processes are deleted at start.
/// </summary>
public sealed class MetadataNamespace : IAsyncDisposable
{
    public const string Secret = "wJalrXUtnFEMI-fake-secret-key";
    public const string CredentialsPath = "/latest/meta-data/iam/security-credentials/ROLE";
    private const string Prefix = "bacm-";
    private const int CloneNewNet = 0x40000000;

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _listeners = [];
    private readonly ConcurrentQueue<string> _metadataRequests = new();
    private int _metadataConnections;

    private MetadataNamespace(string name) => Name = name;

    public string Name { get; }

    /// <summary>Port of the redirecting HTTP server on the namespace's 127.0.0.1.</summary>
    public int WebPort { get; } = 8080;

    /// <summary>TCP connections the fake metadata service accepted, whatever was sent on them.</summary>
    public int MetadataConnections => Volatile.Read(ref _metadataConnections);

    /// <summary>Request lines the fake metadata service received.</summary>
    public IReadOnlyCollection<string> MetadataRequests => _metadataRequests;

    /// <summary>Web server paths: each answers 302 to its Location, /a/final and /final answer 200 "arrived".</summary>
    public IReadOnlyDictionary<string, string> Paths => new Dictionary<string, string>
    {
        ["/to-imds"] = "http://169.254.169.254" + CredentialsPath,
        ["/to-imds-name"] = "http://imds.bac.test" + CredentialsPath,
        ["/to-imds6"] = "http://[fd00:ec2::254]" + CredentialsPath,
        ["/to-own"] = $"http://own.bac.test:{WebPort}/a/final?via=name",
        // Relative to /a/b/relative: curl must resolve it to /a/final on the same host and port.
        ["/a/b/relative"] = "../final?via=relative",
        ["/chain/3"] = "/chain/2",
        ["/chain/2"] = "/chain/1",
        ["/chain/1"] = "/final",
        ["/ftp"] = "ftp://127.0.0.1/file",
    };

    public string WebUrl(string path) => $"http://127.0.0.1:{WebPort}{path}";

    /// <summary>`ip netns exec NAME`: what runs a program inside the namespace.</summary>
    public string[] ExecArgs => ["netns", "exec", Name];

    public static async Task<MetadataNamespace> CreateAsync()
    {
        await NetworkNamespaces.DeleteLeftoversAsync(Prefix);
        var net = new MetadataNamespace($"{Prefix}{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}");
        try
        {
            await net.BuildAsync();
            return net;
        }
        catch (Exception ex)
        {
            await net.DisposeAsync();
            throw new InvalidOperationException(
                $"cannot build the metadata namespace for the SSM guard tests (they need root and iproute2): {ex.Message}", ex);
        }
    }

    private async Task BuildAsync()
    {
        await Ip("netns", "add", Name);
        await Ip("-n", Name, "link", "set", "lo", "up");
        await Ip("-n", Name, "link", "add", "imds0", "type", "veth", "peer", "name", "imds1");
        await Ip("-n", Name, "link", "set", "imds0", "up");
        await Ip("-n", Name, "link", "set", "imds1", "up");
        await Ip("-n", Name, "addr", "add", "169.254.169.254/32", "dev", "imds0");
        // nodad: usable at once, no duplicate-address detection to wait for.
        await Ip("-n", Name, "addr", "add", "fd00:ec2::254/128", "dev", "imds0", "nodad");
        Directory.CreateDirectory(HostsDirectory);
        await File.WriteAllTextAsync(Path.Combine(HostsDirectory, "hosts"), """
            127.0.0.1 localhost
            169.254.169.254 imds.bac.test
            fd00:ec2::254 imds6.bac.test
            fd00:ec2::123 time6.bac.test
            127.0.0.1 own.bac.test
            127.0.0.1 mixed.bac.test
            169.254.169.254 mixed.bac.test
            ::ffff:169.254.169.254 mapped.bac.test
            ::1 dual.bac.test
            127.0.0.1 dual.bac.test

            """);

        foreach (var address in new[] { IPAddress.Parse("169.254.169.254"), IPAddress.Parse("fd00:ec2::254") })
            Serve(ListenInside(new IPEndPoint(address, 80)), Metadata);
        Serve(ListenInside(new IPEndPoint(IPAddress.Loopback, WebPort)), Web);
    }

    private string HostsDirectory => $"/etc/netns/{Name}";

    private (int Status, string? Location, string Body) Metadata(string requestLine)
    {
        _metadataRequests.Enqueue(requestLine);
        return (200, null, $$"""{"Code":"Success","AccessKeyId":"ASIAFAKE","SecretAccessKey":"{{Secret}}","Token":"fake"}""");
    }

    private (int Status, string? Location, string Body) Web(string requestLine)
    {
        var target = requestLine.Split(' ') is [_, var t, ..] ? t : "/";
        var path = target.Split('?')[0];
        return Paths.TryGetValue(path, out var location) ? (302, location, "moved") : (200, null, "arrived");
    }

    /// <summary>
    /// A listening socket in this namespace: a socket belongs to the namespace of the thread that made it,
    /// so a thread of its own switches (setns affects only the calling thread) and ends there; the socket
    /// is then used from anywhere.
    /// </summary>
    private Socket ListenInside(IPEndPoint endpoint)
    {
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{Name}");
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new InvalidOperationException($"setns into {Name} failed: errno {Marshal.GetLastPInvokeError()}");
                socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(endpoint);
                socket.Listen(16);
            }
            catch (Exception e)
            {
                socket?.Dispose();
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null) throw new InvalidOperationException($"cannot listen on {endpoint} in {Name}: {error.Message}", error);
        _listeners.Add(socket!);
        return socket!;
    }

    /// <summary>One HTTP/1.0-style answer per connection, Connection: close.</summary>
    private void Serve(Socket listener, Func<string, (int Status, string? Location, string Body)> answer)
    {
        var metadata = answer == Metadata;
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener.AcceptAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
                if (metadata) Interlocked.Increment(ref _metadataConnections);
                _ = AnswerAsync(client, answer);
            }
        });
    }

    private async Task AnswerAsync(Socket client, Func<string, (int Status, string? Location, string Body)> answer)
    {
        using var _ = client;
        try
        {
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                var n = await client.ReceiveAsync(buffer, timeout.Token);
                if (n == 0) return;
                head.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            var (status, location, body) = answer(head.ToString().Split("\r\n")[0]);
            var response = $"HTTP/1.1 {status} {(status == 302 ? "Found" : "OK")}\r\n"
                + (location is null ? "" : $"Location: {location}\r\n")
                + $"Content-Type: {(body.StartsWith('{') ? "application/json" : "text/plain")}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
            await client.SendAsync(Encoding.UTF8.GetBytes(response), _stop.Token);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away or the fixture is stopping: nothing to answer.
        }
    }

    private static Task<string> Ip(params string[] args) => NetworkNamespaces.Ip(args);

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners) listener.Dispose();
        _listeners.Clear();
        // Deleting the namespace deletes its veth pair and addresses with it.
        try { await Ip("netns", "delete", Name); } catch (InvalidOperationException) { }
        if (Directory.Exists(HostsDirectory)) Directory.Delete(HostsDirectory, recursive: true);
        _stop.Dispose();
    }
}
