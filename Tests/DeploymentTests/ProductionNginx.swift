import Foundation
import TestSupport

/// nginx/nginx.conf (the production edge) run for real, in a network namespace of its own
/// where loopback also carries a private address (10.1.2.3, inside the 10.0.0.0/8 that a
/// careless config trusts): clients connect from that address, as they would from another
/// host of a private network. In the namespace the config's fixed ports (8080/8443) collide
/// with nothing and its compose service names are mapped to 127.0.0.1 (a private /etc/hosts
/// in a mount namespace); only its pid, temp and log paths are moved into a scratch folder.
enum ProductionNginx {
    static let privateAddress = "10.1.2.3"

    /// Starts nginx with `trustedProxies` as its trusted-proxies.conf (the repository's
    /// own file when nil), runs `curl` with `curlArguments` against `http://10.1.2.3:8080`,
    /// stops nginx, and returns the access-log lines.
    static func accessLog(trustedProxies: String? = nil, curlArguments: [[String]]) async throws -> [String] {
        let prefix = try Repository.scratchDirectory("prod-nginx")
        let fm = FileManager.default
        for folder in ["logs", "tls", "tmp"] {
            try fm.createDirectory(atPath: prefix + "/" + folder, withIntermediateDirectories: true)
        }
        try fm.copyItem(atPath: Repository.path("nginx/snippets"), toPath: prefix + "/snippets")
        let trusted = try trustedProxies ?? Repository.read("nginx/trusted-proxies.conf")
        try trusted.write(toFile: prefix + "/trusted-proxies.conf", atomically: true, encoding: .utf8)
        var config = try Repository.read("nginx/nginx.conf")
        config = config.replacingOccurrences(of: "pid /tmp/nginx.pid;", with: "pid \(prefix)/nginx.pid;")
            .replacingOccurrences(of: "/tmp/nginx_", with: "\(prefix)/tmp/nginx_")
            .replacingOccurrences(of: "access_log /dev/stdout", with: "access_log \(prefix)/logs/access.log")
        try config.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        let hosts = "127.0.0.1 localhost gateway cards-api realtime queue-worker llm-proxy healthd\n"
        try hosts.write(toFile: prefix + "/hosts", atomically: true, encoding: .utf8)

        let requests = curlArguments.map { arguments in
            (["curl", "-s", "-o", "/dev/null"] + arguments + ["http://\(privateAddress):8080/api/v1/cards"])
                .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        }.joined(separator: "\n")
        let script = """
            set -eu
            ip link set lo up
            ip addr add \(privateAddress)/32 dev lo
            mount --bind "$1/hosts" /etc/hosts
            openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
              -keyout "$1/tls/tls.key" -out "$1/tls/tls.crt" 2>/dev/null
            nginx -p "$1/" -c "$1/nginx.conf" -e "$1/logs/error.log"
            trap 'kill "$(cat "$1/nginx.pid")"' EXIT
            for _ in $(seq 50); do
              curl -s -o /dev/null http://\(privateAddress):8080/nginx-health && break
              sleep 0.1
            done
            \(requests)
            """
        _ = try await ShellCommand.run("/usr/bin/unshare",
                                       ["--net", "--mount", "/bin/bash", "-c", script, "bash", prefix])
        try await Task.sleep(for: .milliseconds(200))  // the last log line is written as the request ends
        let log = (try? String(contentsOfFile: prefix + "/logs/access.log", encoding: .utf8)) ?? ""
        try? fm.removeItem(atPath: prefix)
        return log.split(separator: "\n").map(String.init)
    }
}
