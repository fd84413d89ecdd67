import Events
import Foundation
import JSONCore
import TestSupport
import Testing

/// docs/EVENTS.md and `RunEvent` are one vocabulary: every type has a documented example,
/// every example reads back as its type and writes out unchanged, and goes to the channels
/// its heading names.
@Suite struct EventVocabularyTests {
    struct Example {
        var type: String
        var channels: [String]
        var json: String
    }

    static func examples() throws -> [Example] {
        let text = try String(contentsOfFile: TestEnvironment.repositoryRoot() + "/docs/EVENTS.md", encoding: .utf8)
        var examples: [Example] = []
        var current: (type: String, channels: [String])?
        var inJSON = false
        var json = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### `") {
                let parts = line.split(separator: "`")
                current = (String(parts[1]), parts.dropFirst(2).filter { $0.hasSuffix(":") }.map { String($0.dropLast()) })
            } else if line == "```json", current != nil {
                inJSON = true
                json = ""
            } else if line == "```", inJSON, let heading = current {
                examples.append(Example(type: heading.type, channels: heading.channels, json: json))
                inJSON = false
                current = nil
            } else if inJSON {
                json += line
            }
        }
        return examples
    }

    @Test func everyEventTypeHasOneDocumentedExample() throws {
        let documented = try Self.examples().map(\.type)
        #expect(documented.sorted() == EventType.allCases.map(\.rawValue).sorted())
    }

    @Test func everyExampleReadsBackAsItsTypeAndWritesOutUnchanged() throws {
        for example in try Self.examples() {
            let type = try #require(EventType(rawValue: example.type))
            let data = try JSONDecoder().decode(JSONValue.self, from: Data(example.json.utf8))
            let event = try RunEvent(type: type, data: data)
            #expect(event.type == type)
            #expect(try event.data() == data, "\(example.type) round-trips")
            #expect(event.channels.map { String($0.prefix { $0 != ":" }) } == example.channels, "\(example.type) channels")
            let envelope = EventEnvelope(id: "1-0", channel: event.channels[0], type: type.rawValue, at: "", data: data)
            #expect(envelope.event == event)
        }
    }

    @Test func aPayloadMissingARequiredFieldIsRejected() throws {
        #expect(throws: (any Error).self) {
            try RunEvent(type: .runProgress, data: .object(["run_id": .string("x"), "completed": .number(1)]))
        }
    }
}
