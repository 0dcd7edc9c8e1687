import Foundation

extension PacerJSON {
    /// What a count that does not fit says.
    static let unfitNumber = "a number does not fit its field: counts must be whole numbers in range"

    /// Foundation reports a number that does not fit its field (`5.5` or `1e300` for a count)
    /// without saying which field. This finds it: among the numbers of `data` that are not whole
    /// or beyond the range of `Int`, the one whose replacement by `1` lets the value decode (or
    /// changes the failure) is the field at fault.
    /// - Returns: the error with the field's coding path, or `nil` when it cannot be told.
    static func locatingUnfitNumber<T: Decodable>(_ type: T.Type, in data: Data, decoder: JSONDecoder) -> DecodingError? {
        guard let root = try? decoder.decode(JSONValue.self, from: data) else { return nil }
        var candidates: [[String]] = []
        func walk(_ value: JSONValue, _ path: [String]) {
            guard candidates.count < 64 else { return }
            switch value {
            case .number(let n) where n != n.rounded() || abs(n) >= 9.2e18: candidates.append(path)
            case .object(let o): for key in o.keys.sorted() { walk(o[key]!, path + [key]) }
            case .array(let a): for (i, v) in a.enumerated() { walk(v, path + ["\(i)"]) }
            default: break
            }
        }
        walk(root, [])
        for path in candidates {
            let replaced = root.replacing(at: path, with: .number(1))
            guard let bytes = try? encoder.encode(replaced) else { continue }
            do {
                _ = try decoder.decode(type, from: bytes)
            } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
                continue  // still failing the same way: another number is at fault
            } catch {}
            let keys: [any CodingKey] = path.map { segment in Int(segment).map(PathKey.init(index:)) ?? PathKey(name: segment) }
            return .dataCorrupted(.init(codingPath: keys, debugDescription: unfitNumber))
        }
        return nil
    }

    /// A coding key of a located field.
    struct PathKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(name: String) { stringValue = name }
        init(index: Int) { stringValue = "\(index)"; intValue = index }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { self.init(index: intValue) }
    }
}

extension JSONValue {
    /// This value with the value at `path` (object keys, array indices as text) replaced by
    /// `new`; missing object members are added, a path through a scalar or past an array's end
    /// changes nothing.
    /// - Parameters:
    ///   - path: the segments.
    ///   - new: the new value.
    public func replacing(at path: [String], with new: JSONValue) -> JSONValue {
        guard let head = path.first else { return new }
        switch self {
        case .object(var o):
            o[head] = (o[head] ?? .null).replacing(at: Array(path.dropFirst()), with: new)
            return .object(o)
        case .array(var a):
            guard let i = Int(head), a.indices.contains(i) else { return self }
            a[i] = a[i].replacing(at: Array(path.dropFirst()), with: new)
            return .array(a)
        default:
            return self
        }
    }
}
