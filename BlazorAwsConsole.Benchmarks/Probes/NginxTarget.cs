namespace BlazorAwsConsole.Benchmarks.Probes;

/// <summary>
/// The HTTP and TCP target: nginx with its own config in a temp folder, on a free loopback port,
/// 2 workers (the machine's cores), no access log, answering "200 ok" on every path; and the TLS
/// target: the same nginx on a second port with TLS (a self-signed localhost certificate made here). Disposing kills it.
/// With <c>logHits</c> it writes one line per request instead (<c>$msec $uri</c>, to <see cref="HitLog"/>), so a
/// benchmark can count how often each path was asked for (the locations benchmark: runs made at the target).
/// </summary>
internal sealed class NginxTarget : IDisposable
{
    private readonly ChildProcess _nginx;

    private NginxTarget(ChildProcess nginx, int port, int tlsPort, string? hitLog)
    {
        _nginx = nginx;
        Port = port;
        TlsPort = tlsPort;
        HitLog = hitLog;
    }

    /// <summary>The request log ("seconds.millis path" per line) when started with <c>logHits</c>; null otherwise.</summary>
    public string? HitLog { get; }

    public int Port { get; }

    /// <summary>TLS (1.2 and 1.3) with a self-signed certificate for localhost, valid 90 days.</summary>
    public int TlsPort { get; }

    public string Url => $"http://127.0.0.1:{Port}/";

    public static async Task<NginxTarget> StartAsync(string workDir, CancellationToken cancellationToken, bool logHits = false)
    {
        var dir = Directory.CreateDirectory(Path.Combine(workDir, "nginx")).FullName;
        var hitLog = logHits ? Path.Combine(dir, "hits.log") : null;
        var accessLog = hitLog is null ? "access_log off;" : $"log_format hits '$msec $uri'; access_log {hitLog} hits;";
        var port = ChildProcess.FreeLoopbackPort();
        var tlsPort = ChildProcess.FreeLoopbackPort();
        var (certificate, key) = await SelfSignedAsync(dir, cancellationToken);
        var config = Path.Combine(dir, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            worker_processes 2;
            daemon off;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log warn;
            events { worker_connections 4096; }
            http {
                {{accessLog}}
                client_body_temp_path {{dir}}/body;
                proxy_temp_path {{dir}}/proxy;
                fastcgi_temp_path {{dir}}/fastcgi;
                uwsgi_temp_path {{dir}}/uwsgi;
                scgi_temp_path {{dir}}/scgi;
                server {
                    listen 127.0.0.1:{{port}} backlog=4096;
                    location / { default_type text/plain; return 200 "ok\n"; }
                }
                server {
                    listen 127.0.0.1:{{tlsPort}} ssl backlog=4096;
                    ssl_certificate {{certificate}};
                    ssl_certificate_key {{key}};
                    ssl_protocols TLSv1.2 TLSv1.3;
                    location / { default_type text/plain; return 200 "ok\n"; }
                }
            }
            """, cancellationToken);
        var nginx = ChildProcess.Start("/usr/sbin/nginx", "-p", dir, "-c", config, "-e", Path.Combine(dir, "error.log"));
        var target = new NginxTarget(nginx, port, tlsPort, hitLog);
        try
        {
            await nginx.WaitForPortAsync(port, cancellationToken);
            await nginx.WaitForPortAsync(tlsPort, cancellationToken);
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    private static async Task<(string Certificate, string Key)> SelfSignedAsync(string dir, CancellationToken cancellationToken)
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", rsa,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        var certificateFile = Path.Combine(dir, "tls.crt");
        var keyFile = Path.Combine(dir, "tls.key");
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem(), cancellationToken);
        await File.WriteAllTextAsync(keyFile, rsa.ExportPkcs8PrivateKeyPem(), cancellationToken);
        return (certificateFile, keyFile);
    }

    public void Dispose() => _nginx.Dispose();
}
