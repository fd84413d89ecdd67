import Hummingbird
import Storage

/// The envelope of every list endpoint: the items and the cursor of the next page.
struct ListResponse<Item: Encodable & Sendable>: ResponseEncodable {
    var data: [Item]
    var nextCursor: String?

    init(data: [Item], nextCursor: String?) {
        self.data = data
        self.nextCursor = nextCursor
    }

    init(page: Page<Item>) {
        self.init(data: page.items, nextCursor: page.nextCursor?.token)
    }

    enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

extension Card: ResponseEncodable {}
extension TestCase: ResponseEncodable {}
extension Run: ResponseEncodable {}
extension RunResult: ResponseEncodable {}
