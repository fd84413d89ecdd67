import Foundation
import TestSupport
import Testing

/// The rules every daemon's Dockerfile follows (Services/<daemon>/Dockerfile), read from
/// the files themselves: a cached dependency layer, a static stripped release build, a slim
/// non-root runtime with only the libraries the binary links, a health check, the right
/// port and an exec-form entrypoint on a binary the package really builds.
@Suite struct DockerfileTests {
    /// An image reference with an explicit tag (and optionally a digest).
    static var pinnedImage: Regex<(Substring, Substring, Substring?)> {
        /^[a-z0-9._\/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]*)(@sha256:[0-9a-f]{64})?$/
    }

    func stages(_ daemon: Daemon) throws -> (build: Dockerfile.Stage, runtime: Dockerfile.Stage) {
        let file = try Dockerfile(contentsOf: daemon.dockerfilePath)
        try #require(file.stages.count >= 2, "\(daemon): a multi-stage build")
        let build = try #require(file.stages.first { $0.name == "build" }, "\(daemon): a stage named build")
        return (build, file.stages.last!)
    }

    @Test(arguments: Daemon.all)
    func everyBaseImageIsPinnedToATag(daemon: Daemon) throws {
        let file = try Dockerfile(contentsOf: daemon.dockerfilePath)
        for stage in file.stages {
            #expect(stage.base.wholeMatch(of: Self.pinnedImage) != nil, "\(daemon): FROM \(stage.base) has no tag")
            #expect(!stage.base.hasSuffix(":latest"), "\(daemon): FROM \(stage.base)")
        }
    }

    @Test(arguments: Daemon.all)
    func theBuildStageResolvesDependenciesBeforeCopyingSources(daemon: Daemon) throws {
        let build = try stages(daemon).build
        #expect(build.base.wholeMatch(of: /swift:6\.3(\.\d+)?-bookworm/) != nil, "a Swift 6.3 builder: \(build.base)")
        let steps = build.instructions
        let manifest = try #require(steps.firstIndex { $0.keyword == "COPY" && $0.arguments.hasPrefix("Package.swift") })
        let resolve = try #require(steps.firstIndex { $0.keyword == "RUN" && $0.arguments.contains("swift package resolve") })
        let sources = try #require(steps.firstIndex { $0.keyword == "COPY" && $0.arguments.hasPrefix("Libraries") })
        #expect(manifest < resolve && resolve < sources, "Package.swift, resolve, then the sources")
        #expect(!steps[..<resolve].contains { $0.keyword == "COPY" && $0.arguments.hasPrefix(". ") },
                "nothing but the manifest before resolving")
    }

    @Test(arguments: Daemon.all)
    func theBuildIsAStaticStrippedReleaseOfTheDaemon(daemon: Daemon) throws {
        let build = try stages(daemon).build
        let compile = try #require(build.all("RUN").first { $0.arguments.contains("swift build") }).arguments
        #expect(compile.contains("-c release"))
        #expect(compile.contains("--static-swift-stdlib"))
        #expect(compile.contains("strip"))
        #expect(compile.contains(" \(daemon.name) ") || compile.contains(" \(daemon.name);"), "the build gathers \(daemon)")
    }

    /// Identical build stages are one BuildKit cache entry: building the six images
    /// compiles the package once.
    @Test func allSixShareOneBuildStage() throws {
        let builds = try Daemon.all.map { try stages($0).build }
        for (daemon, build) in zip(Daemon.all, builds).dropFirst() {
            #expect(build.base == builds[0].base, "\(daemon)")
            #expect(build.instructions == builds[0].instructions, "\(daemon)'s build stage differs from gateway's")
        }
    }

    @Test(arguments: Daemon.all)
    func theRuntimeIsSlimDebianWithTheSharedLibrariesTheBinaryNeeds(daemon: Daemon) throws {
        let (build, runtime) = try stages(daemon)
        let codename = try #require(build.base.firstMatch(of: /-([a-z]+)$/)?.output.1)
        #expect(runtime.base == "debian:\(codename)-slim", "same Debian release as the builder: \(runtime.base)")
        let packages = try Self.aptPackages(runtime)
        for needed in ["libstdc++6", "zlib1g", "ca-certificates"] {
            #expect(packages.contains(needed), "\(daemon) installs \(needed)")
        }
        #expect(!packages.contains { $0.hasSuffix("-dev") || $0 == "curl" }, "no build tools: \(packages)")
        let install = try #require(runtime.all("RUN").first { $0.arguments.contains("apt-get install") }).arguments
        #expect(install.contains("--no-install-recommends") && install.contains("rm -rf /var/lib/apt/lists"))
    }

    @Test(arguments: Daemon.all)
    func theDaemonRunsAsUID1001(daemon: Daemon) throws {
        let runtime = try stages(daemon).runtime
        let user = try #require(runtime.all("USER").last, "\(daemon): a USER").arguments
        #expect(user == "1001" || user == "1001:1001", "numeric, so runAsNonRoot can verify it: \(user)")
        let firstUser = try #require(runtime.instructions.firstIndex { $0.keyword == "USER" })
        #expect(!runtime.instructions[firstUser...].contains { $0.keyword == "RUN" }, "nothing runs as root after USER")
        #expect(runtime.all("RUN").contains { $0.arguments.contains("--uid 1001") }, "the user exists in /etc/passwd")
    }

    @Test(arguments: Daemon.all)
    func portHealthcheckAndEntrypointMatchTheDaemon(daemon: Daemon) throws {
        let runtime = try stages(daemon).runtime
        #expect(runtime.all("EXPOSE").map(\.arguments) == ["\(daemon.port)"])
        let environment = runtime.all("ENV").map(\.arguments).joined(separator: " ")
        #expect(environment.contains("PORT=\(daemon.port)"), "\(environment)")
        #expect(!environment.uppercased().contains("SECRET") && !environment.uppercased().contains("PASSWORD"))

        let healthcheck = try #require(runtime.all("HEALTHCHECK").last).arguments
        let (options, command) = try #require(Dockerfile.healthcheck(healthcheck))
        let vector = try #require(Dockerfile.execForm(command), "exec-form HEALTHCHECK")
        #expect(vector.joined(separator: " ").contains("/health/live"))
        #expect(vector.joined(separator: " ").contains("${PORT:-\(daemon.port)}"))
        #expect(options["interval"] != nil && options["timeout"] != nil && options["start-period"] != nil)

        let entrypoint = try #require(runtime.all("ENTRYPOINT").last).arguments
        let program = try #require(Dockerfile.execForm(entrypoint), "exec-form ENTRYPOINT (SIGTERM reaches the daemon)")
        #expect(program == ["/usr/local/bin/\(daemon.name)"])
        #expect(runtime.all("CMD").isEmpty)
        #expect(runtime.all("STOPSIGNAL").allSatisfy { $0.arguments == "SIGTERM" })
    }

    /// The runtime copies exactly one file out of the build: the daemon's binary, which is
    /// an executable product of Package.swift and one `swift build` really produced.
    @Test(arguments: Daemon.all)
    func theCopiedBinaryIsOneThePackageBuilds(daemon: Daemon) throws {
        let runtime = try stages(daemon).runtime
        let copies = runtime.all("COPY")
        #expect(copies.count == 1)
        let copy = try #require(copies.first).arguments
        #expect(copy == "--from=build /staging/\(daemon.name) /usr/local/bin/\(daemon.name)", "\(copy)")
        #expect(try Repository.executableProducts().contains(daemon.name))
        #expect(FileManager.default.isExecutableFile(atPath: try daemon.binaryPath()), "built by swift build")
        #expect(runtime.all("ADD").isEmpty)
    }

    /// The runtime stage installs exactly the Debian packages that provide the shared
    /// libraries the daemon links (outside the Swift runtime, which --static-swift-stdlib
    /// links in, and libc6/libgcc-s1, which debian:*-slim always carries), plus the CA
    /// bundle: nothing missing, nothing extra. Read from `ldd` on the built binary and
    /// `dpkg -S` on this Debian machine.
    @Test(arguments: Daemon.all)
    func theRuntimeInstallsExactlyTheLibrariesTheBinaryLinks(daemon: Daemon) async throws {
        let linked = try await ShellCommand.run("/usr/bin/ldd", [try daemon.binaryPath()])
        var libraries: Set<String> = []
        for line in linked.split(separator: "\n") {
            guard let match = line.firstMatch(of: /^\s*(\S+) => (\/\S+)/) else { continue }
            let path = String(match.output.2)
            if path.contains("/swift/") { continue }
            libraries.insert(String(match.output.1))
        }
        #expect(libraries.contains("libc.so.6"), "ldd output:\n\(linked)")
        // One dpkg query for all of them ("package:arch: /path" per line).
        let owners = try await ShellCommand.run("/usr/bin/dpkg", ["-S"] + libraries.sorted().map { "*/\($0)" })
        var packages: Set<String> = []
        for library in libraries {
            let line = owners.split(separator: "\n").first { $0.hasSuffix("/" + library) }
            let package = try #require(line?.split(separator: ":").first.map(String.init), "\(library): \(owners)")
            packages.insert(package)
        }
        let installed = try Self.aptPackages(try stages(daemon).runtime)
        let needed = packages.subtracting(["libc6", "libgcc-s1"])
        let missing = needed.subtracting(installed)
        #expect(missing.isEmpty, "\(daemon) links libraries from \(missing.sorted()) but the runtime does not install them")
        let extra = installed.subtracting(needed).subtracting(["ca-certificates"])
        #expect(extra.isEmpty, "\(daemon)'s runtime installs \(extra.sorted()), which the binary does not link")
    }

    /// The build context is an allow-list that admits what the build stage copies and
    /// nothing else of the repository's top level.
    @Test func theBuildContextAdmitsOnlyThePackage() throws {
        let patterns = try Repository.read(".dockerignore").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(patterns.first == "*", "everything is excluded first")
        let admitted = Set(patterns.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) })
        let build = try stages(Daemon.all[0]).build
        let copied = Set(build.all("COPY").compactMap { $0.arguments.split(separator: " ").first.map(String.init) })
        #expect(copied == admitted, "COPY sources \(copied.sorted()) vs .dockerignore allow-list \(admitted.sorted())")
        #expect(patterns.contains("Services/*/Dockerfile"), "editing a Dockerfile keeps the shared build cached")
    }

    /// The package names of the stage's `apt-get install` commands.
    static func aptPackages(_ stage: Dockerfile.Stage) throws -> Set<String> {
        var packages: Set<String> = []
        for run in stage.all("RUN") {
            for command in run.arguments.components(separatedBy: "&&") where command.contains("apt-get install") {
                let words = command.split(separator: " ").map(String.init)
                let start = try #require(words.firstIndex(of: "install")) + 1
                packages.formUnion(words[start...].filter { !$0.hasPrefix("-") })
            }
        }
        return packages
    }
}
