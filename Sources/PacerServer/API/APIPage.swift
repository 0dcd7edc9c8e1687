import Foundation
import Hummingbird
import PacerCore
import PacerStore

/// A page of a newest-first list: the items under their list's name, and `next_cursor` when
/// more follow (give it as `cursor` for the next page).
struct APIPage<Item: Encodable & Sendable>: Encodable, Sendable {
    let name: String
    let items: [Item]
    let nextCursor: String?

    /// The page from one item more than `limit` read from the store.
    /// - Parameters:
    ///   - name: the list's member name (`runs`, `sessions`).
    ///   - fetched: up to `limit + 1` items.
    ///   - limit: the page size.
    ///   - cursor: where a page ending at an item ends.
    init<Stored>(_ name: String, fetched: [Stored], limit: Int, cursor: (Stored) -> ListCursor, item: (Stored) -> Item) {
        self.name = name
        let page = fetched.prefix(limit)
        items = page.map(item)
        nextCursor = fetched.count > limit ? page.last.map { cursor($0).description } : nil
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(items, forKey: Key(name))
        if let nextCursor { try c.encode(nextCursor, forKey: Key("next_cursor")) }
    }

    /// The `cursor` query parameter's documentation.
    static var cursorParameter: QueryParameter {
        QueryParameter("cursor", Schema.text(max: 200), "Where the page starts: the next_cursor of the previous page")
    }

    /// The list schema: the items under `name`, with `next_cursor` when more follow.
    static func schema(_ name: String, _ item: JSONValue) -> JSONValue {
        .object(["type": "object", "required": .array([.string(name)]),
                 "properties": .object([name: ["type": "array", "items": item],
                                        "next_cursor": ["type": "string", "description": "Present when more items follow: the cursor of the next page"]])])
    }
}

extension Request {
    /// The `cursor` query parameter, or `nil`.
    /// - Throws: ``APIError`` 400 naming `cursor` when it is not a cursor this API gave.
    func queryCursor() throws -> ListCursor? {
        guard let text = query("cursor") else { return nil }
        guard let cursor = ListCursor(text) else {
            throw APIError.badRequest("'\(text.prefix(100))' is not a cursor; give the next_cursor of the previous page", field: "cursor")
        }
        return cursor
    }
}
