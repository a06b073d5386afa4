using System.Text;

namespace BlazorAwsConsole.ProbeLocations.AgentLaunch;

/// <summary>What a launched agent's instance is told: where the console is, which location it serves, where its token waits.</summary>
public sealed record AgentBootSettings(string ServerUrl, string LocationName, string? AgentName, string Region, string ParameterName, string? PackageUrl);

/// <summary>
/// The user data of a launched agent: a bash script (cloud-init runs it once, as root, at first boot) that installs the
/// agent as two systemd units. <c>probe-agent-token.service</c> runs as root at every boot and reads the location's token
/// from SSM Parameter Store (<c>aws ssm get-parameter --with-decryption</c>, with the instance profile's role) into a file
/// only root can read; <c>probe-agent.service</c> is the agent as in deploy/probe-agent.service, handed that file through
/// LoadCredential and started with <c>--token-file</c>. The token itself is never in this script: EC2 shows user data to
/// anyone allowed DescribeInstanceAttribute, and keeps it as long as the instance lives.
/// </summary>
public static class AgentUserData
{
    public const string InstallFolder = "/opt/blazor-aws-console";
    public const string SettingsFolder = "/etc/blazor-aws-console";

    public static string Script(AgentBootSettings settings)
    {
        var script = new StringBuilder();
        script.Append("#!/bin/bash\n");
        script.Append("# BlazorAwsConsole probe agent, launched from the console's location page.\n");
        script.Append("# The location's token is not in this script: it is read from SSM Parameter Store (SecureString) at every boot.\n");
        script.Append("set -euo pipefail\n");
        // Values the console chose or an Admin typed: single-quoted, so the shell takes them literally.
        script.Append("CONSOLE_URL=").Append(Quote(settings.ServerUrl)).Append('\n');
        script.Append("PROBE_LOCATION=").Append(Quote(settings.LocationName)).Append('\n');
        script.Append("AGENT_NAME=").Append(Quote(settings.AgentName ?? "")).Append('\n');
        script.Append("TOKEN_REGION=").Append(Quote(settings.Region)).Append('\n');
        script.Append("TOKEN_PARAMETER=").Append(Quote(settings.ParameterName)).Append('\n');
        script.Append("PACKAGE_URL=").Append(Quote(settings.PackageUrl ?? "")).Append('\n');
        script.Append(Body);
        return script.ToString();
    }

    /// <summary>A POSIX shell word holding exactly <paramref name="value"/>.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // The fixed part: no value in it comes from a request. The settings file holds no secret (mode 0644, the agent's
    // dynamic user reads it); the token file is root's (0600) and reaches the agent through systemd's credentials.
    private const string Body = """
        install -d -m 0755 /etc/blazor-aws-console /usr/local/lib/blazor-aws-console
        declare -p CONSOLE_URL PROBE_LOCATION AGENT_NAME TOKEN_REGION TOKEN_PARAMETER > /etc/blazor-aws-console/probe-agent.env
        chmod 0644 /etc/blazor-aws-console/probe-agent.env

        have() { command -v "$1" >/dev/null 2>&1; }
        install_packages() { if have dnf; then dnf install -y "$@"; elif have yum; then yum install -y "$@"; else apt-get update && apt-get install -y "$@"; fi; }
        # An AMI made for agents has all three; otherwise try the distribution's packages, and say what is missing.
        have aws || install_packages awscli || echo "probe agent: the AWS CLI is missing and could not be installed" >&2
        have curl || install_packages curl || echo "probe agent: curl is missing and could not be installed" >&2
        have dotnet || install_packages aspnetcore-runtime-10.0 || echo "probe agent: the ASP.NET Core 10 runtime is missing and could not be installed" >&2
        if [ -n "$PACKAGE_URL" ]; then
          install -d -m 0755 /opt/blazor-aws-console
          curl -fsSL --retry 5 "$PACKAGE_URL" -o /tmp/blazor-aws-console.tar.gz
          tar -xzf /tmp/blazor-aws-console.tar.gz -C /opt/blazor-aws-console
          rm -f /tmp/blazor-aws-console.tar.gz
        fi

        cat > /usr/local/lib/blazor-aws-console/fetch-probe-token.sh <<'SCRIPT'
        #!/bin/bash
        # Reads the agent's token from SSM Parameter Store into a file only root can read.
        set -euo pipefail
        source /etc/blazor-aws-console/probe-agent.env
        umask 077
        tmp=$(mktemp /etc/blazor-aws-console/.probe-token.XXXXXX)
        trap 'rm -f "$tmp"' EXIT
        for attempt in 1 2 3 4 5 6; do
          if aws ssm get-parameter --region "$TOKEN_REGION" --name "$TOKEN_PARAMETER" --with-decryption \
               --query Parameter.Value --output text > "$tmp"; then
            mv "$tmp" /etc/blazor-aws-console/probe-token
            exit 0
          fi
          sleep $((attempt * 5))
        done
        echo "could not read $TOKEN_PARAMETER: the instance profile needs ssm:GetParameter on it and kms:Decrypt" >&2
        exit 1
        SCRIPT

        cat > /usr/local/lib/blazor-aws-console/run-probe-agent.sh <<'SCRIPT'
        #!/bin/bash
        source /etc/blazor-aws-console/probe-agent.env
        args=(probe --server "$CONSOLE_URL" --location "$PROBE_LOCATION" --token-file "$CREDENTIALS_DIRECTORY/probe-token" --spool-dir "$STATE_DIRECTORY")
        if [ -n "$AGENT_NAME" ]; then args+=(--name "$AGENT_NAME"); fi
        exec dotnet /opt/blazor-aws-console/BlazorAwsConsole.dll "${args[@]}"
        SCRIPT
        chmod 0755 /usr/local/lib/blazor-aws-console/*.sh

        cat > /etc/systemd/system/probe-agent-token.service <<'UNIT'
        [Unit]
        Description=BlazorAwsConsole probe agent token from SSM Parameter Store
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/usr/local/lib/blazor-aws-console/fetch-probe-token.sh

        [Install]
        WantedBy=multi-user.target
        UNIT

        cat > /etc/systemd/system/probe-agent.service <<'UNIT'
        [Unit]
        Description=BlazorAwsConsole probe agent
        Requires=probe-agent-token.service
        After=probe-agent-token.service network-online.target
        Wants=network-online.target

        [Service]
        Type=simple
        DynamicUser=yes
        LoadCredential=probe-token:/etc/blazor-aws-console/probe-token
        StateDirectory=probe-agent
        StateDirectoryMode=0700
        ExecStart=/usr/local/lib/blazor-aws-console/run-probe-agent.sh
        AmbientCapabilities=CAP_NET_RAW
        CapabilityBoundingSet=CAP_NET_RAW
        NoNewPrivileges=yes
        ProtectSystem=strict
        ProtectHome=yes
        PrivateTmp=yes
        Restart=always
        RestartSec=5

        [Install]
        WantedBy=multi-user.target
        UNIT

        systemctl daemon-reload
        systemctl enable --now probe-agent-token.service probe-agent.service

        """;
}
