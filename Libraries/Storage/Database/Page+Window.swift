extension Page {
    /// Builds a page from a query that fetched `limit + 1` rows: the extra row only tells
    /// that there is a next page, whose cursor is the last row kept.
    init(window rows: [Item], limit: Int, cursor: (Item) -> PageCursor) {
        let kept = Array(rows.prefix(limit))
        self.init(items: kept, nextCursor: rows.count > limit ? kept.last.map(cursor) : nil)
    }

    /// The same page with its items transformed.
    public func map<T>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), nextCursor: nextCursor)
    }
}
