import Foundation
import Hummingbird
import NIOCore

/// The request context of the suite's HTTP daemons.
public struct ServiceRequestContext: IdentifiedRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String = ""
    public var identity: Identity?
    /// The caller's connection: a handler doing long work for it can stop when it closes.
    public let channel: (any Channel)?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Request bodies above 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }

    /// Dates as ISO 8601 strings, the API's format.
    public var responseEncoder: JSONEncoder { APIJSON.encoder() }
}

/// The API's JSON conventions in one place.
public enum APIJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
