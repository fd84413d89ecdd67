import Foundation
import JSONCore
import JSONSchema
import TestSupport
import Testing

/// Runs the official JSON-Schema-Test-Suite (`../shared/json-schema-test-suite/`, beside the
/// clone) against the validator, and prints the pass rate per keyword file and overall.
///
/// Every case of a supported keyword must pass. Unsupported features are named, not
/// skipped: their files are listed with the reason, and a group elsewhere counts as needing
/// one only when its schema uses `$dynamicRef`/`$recursiveRef` or refers to a document
/// outside itself (the suite's remote server `localhost:1234` or the meta-schemas) and the
/// validator refused to compile it for exactly that reason.
@Suite("JSON-Schema-Test-Suite")
struct OfficialSuiteTests {
    /// Files of features this validator does not implement, with why.
    static let unsupportedFiles: [String: String] = [
        "dynamicRef.json": "$dynamicRef / $dynamicAnchor (dynamic scope) is not implemented",
        "refRemote.json": "references to other documents (the suite's remote server) are not loaded",
        "vocabulary.json": "custom meta-schemas and vocabularies are not loaded",
    ]

    struct Group: Decodable {
        let description: String
        let schema: JSONValue
        let tests: [Case]
    }

    struct Case: Decodable {
        let description: String
        let data: JSONValue
        let valid: Bool
    }

    struct Tally {
        var passed = 0
        var failed = 0
        var unsupported = 0
        var failures: [String] = []
    }

    static func suiteFolder() throws -> String {
        let folder = TestEnvironment.repositoryRoot() + "/../shared/json-schema-test-suite/"
        guard FileManager.default.fileExists(atPath: folder) else {
            throw SuiteMissing(folder: folder)
        }
        return folder
    }

    struct SuiteMissing: Error, CustomStringConvertible {
        let folder: String
        var description: String {
            "the JSON-Schema-Test-Suite data is missing: expected it at \(folder) (the shared/ folder beside the clone)"
        }
    }

    @Test("every case of the supported keywords passes", arguments: [JSONSchema.Draft.draft2020_12, .draft7])
    func officialSuite(draft: JSONSchema.Draft) async throws {
        let folder = try Self.suiteFolder() + (draft == .draft7 ? "draft7" : "draft2020-12")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count > 30, "expected the suite's keyword files in \(folder)")
        let suite = try files.map { file in
            (file, try JSONDecoder().decode([Group].self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))))
        }
        // Seconds of validation, on a thread of its own rather than one of the cooperative pool's.
        let (tallies, _) = await CPUTime.measureOnOwnThread {
            suite.map { file, groups in (file, Self.run(groups, file: file, draft: draft)) }
        }

        var total = Tally()
        var lines: [String] = []
        for (file, tally) in tallies {
            total.passed += tally.passed
            total.failed += tally.failed
            total.unsupported += tally.unsupported
            total.failures += tally.failures
            let counted = tally.passed + tally.failed
            let rate = counted == 0 ? "   —  " : String(format: "%5.1f%%", 100 * Double(tally.passed) / Double(counted))
            var line = "\(file.padding(toLength: 28, withPad: " ", startingAt: 0)) \(rate)  \(tally.passed)/\(counted)"
            if tally.unsupported > 0 {
                line += "  (+\(tally.unsupported) unsupported: \(Self.unsupportedFiles[file] ?? "see below"))"
            }
            lines.append(line)
        }
        let counted = total.passed + total.failed
        print("JSON-Schema-Test-Suite \(draft.rawValue): pass rate per keyword file")
        for line in lines { print("  " + line) }
        print(String(format: "  overall: %.1f%% of %d supported cases pass (%d passed, %d failed); %d cases need unsupported features",
                     100 * Double(total.passed) / Double(max(counted, 1)), counted, total.passed, total.failed, total.unsupported))
        for failure in total.failures.prefix(50) { print("  FAILED " + failure) }
        #expect(total.failed == 0, "\(total.failed) cases failed:\n\(total.failures.prefix(30).joined(separator: "\n"))")
        #expect(total.passed > 700)
    }

    static func run(_ groups: [Group], file: String, draft: JSONSchema.Draft) -> Tally {
        var tally = Tally()
        if unsupportedFiles[file] != nil {
            tally.unsupported = groups.reduce(0) { $0 + $1.tests.count }
            return tally
        }
        let options = JSONSchema.Options(defaultDraft: draft, assertFormats: false)
        for group in groups {
            let schema: JSONSchema
            do {
                schema = try JSONSchema(group.schema, options: options)
            } catch {
                if needsUnsupportedFeature(group.schema, error: error) {
                    tally.unsupported += group.tests.count
                } else {
                    tally.failed += group.tests.count
                    tally.failures.append("\(file) / \(group.description): schema refused: \(error)")
                }
                continue
            }
            for test in group.tests {
                let errors = (try? schema.validate(test.data)) ?? [ValidationError(instancePath: "", keywordPath: "",
                                                                                  message: "over its work budget")]
                if errors.isEmpty == test.valid && (try? schema.isValid(test.data)) == test.valid {
                    tally.passed += 1
                } else {
                    tally.failed += 1
                    tally.failures.append("\(file) / \(group.description) / \(test.description): expected \(test.valid ? "valid" : "invalid")"
                        + (errors.isEmpty ? "" : " — \(errors.map(\.description).joined(separator: "; "))"))
                }
            }
        }
        return tally
    }

    /// Whether the schema was refused because it uses dynamic references or another document.
    static func needsUnsupportedFeature(_ schema: JSONValue, error: SchemaError) -> Bool {
        let text = schema.jsonText
        if error.reason.contains("$dynamicRef") || error.reason.contains("$recursiveRef") { return true }
        return error.reason.hasPrefix("cannot resolve $ref")
            && (text.contains("localhost:1234") || text.contains("json-schema.org/draft"))
    }
}
