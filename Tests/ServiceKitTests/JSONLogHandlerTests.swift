import Foundation
import Testing
@testable import ServiceKit

@Suite struct JSONLogHandlerTests {
    @Test(arguments: [
        ("plain", "\"plain\""), ("quote\"back\\slash", "\"quote\\\"back\\\\slash\""),
        ("line\nbreak\ttab", "\"line\\nbreak\\ttab\""), ("\u{01}", "\"\\u0001\""), ("ünï", "\"ünï\""),
    ])
    func stringsAreEscapedIntoValidJSON(raw: String, expected: String) throws {
        var line = ""
        JSONLogHandler.appendQuoted(raw, to: &line)
        #expect(line == expected)
        let decoded = try JSONDecoder().decode(String.self, from: Data(line.utf8))
        #expect(decoded == raw)
    }
}
