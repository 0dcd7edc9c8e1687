import Foundation
import Hummingbird
import PacerCore

extension Request {
    /// The body decoded with Pacer's JSON rules, at most ``APILimits/maxBodyBytes``.
    /// - Throws: ``APIError``: 413 for a larger body, 400 for an empty or malformed one
    ///   (naming the field when the shape is wrong).
    public func decodeJSON<T: Decodable>(_ type: T.Type) async throws -> T {
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: APILimits.maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, code: "too_large", "the body is larger than \(APILimits.maxBodyBytes) bytes")
        }
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("a JSON body is required") }
        let data = Data(buffer.readableBytesView)
        do {
            return try PacerJSON.decode(T.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let c) = error, c.codingPath.isEmpty {
                throw APIError.badRequest("the body is not valid JSON")
            }
            throw APIError.from(error)
        }
    }

    /// A query parameter as an integer in a range.
    /// - Throws: ``APIError`` 400 naming the parameter.
    public func queryInt(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = uri.queryParameters[name[...]].map(String.init) else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw APIError.badRequest("'\(text)' must be a whole number between \(range.lowerBound) and \(range.upperBound)", field: name)
        }
        return n
    }

    /// A query parameter's text, if given.
    public func query(_ name: String) -> String? {
        uri.queryParameters[name[...]].map(String.init)
    }
}

/// A JSON response with Pacer's encoding.
/// - Parameters:
///   - value: the body.
///   - status: the status (200 by default).
public func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    Response(status: status, headers: [.contentType: "application/json"],
             body: ResponseBody(byteBuffer: ByteBuffer(bytes: try PacerJSON.encode(value))))
}

extension APIRequestContext {
    /// A path parameter.
    /// - Throws: ``APIError`` 400 when it is missing.
    public func path(_ name: String) throws -> String {
        guard let value = parameters.get(name) else { throw APIError.badRequest("missing path parameter '\(name)'", field: name) }
        return value
    }
}
