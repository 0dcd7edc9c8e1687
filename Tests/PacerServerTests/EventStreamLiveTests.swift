import Foundation
import Logging
import NIOCore
import NIOPosix
import PacerCore
import PacerServer
import PacerStore
import Prometheus
import ServiceLifecycle
import Testing

/// Reads a chunked `text/event-stream` response from a raw connection, block by block, as a
/// browser's EventSource would (the in-process router client buffers whole bodies).
struct EventStreamReader {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var raw: [UInt8] = []
    private var body = ""
    private var ended = false
    /// The response's status and headers (lower-cased names), once read.
    private(set) var status = 0
    private(set) var headers: [String: String] = [:]

    init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.inbound = inbound }

    private mutating func fill() async throws -> Bool {
        guard var buffer = try await inbound.next() else { return false }
        raw += buffer.readBytes(length: buffer.readableBytes) ?? []
        return true
    }

    private func find(_ bytes: [UInt8]) -> Int? {
        guard raw.count >= bytes.count else { return nil }
        return (0...(raw.count - bytes.count)).first { raw[$0..<($0 + bytes.count)].elementsEqual(bytes) }
    }

    /// Reads the status line and headers.
    /// - Returns: the status code.
    mutating func readHead() async throws -> Int {
        while true {
            if let end = find(Array("\r\n\r\n".utf8)) {
                let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                status = Int(lines[0].split(separator: " ")[1]) ?? 0
                for line in lines.dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
                }
                raw.removeFirst(end + 4)
                return status
            }
            guard try await fill() else { throw CancellationError() }
        }
    }

    /// Moves every whole chunk from the raw bytes to the body text.
    private mutating func decodeChunks() {
        while let lineEnd = find(Array("\r\n".utf8)) {
            let sizeText = String(decoding: raw[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16), size > 0 else {
                ended = true
                return
            }
            guard raw.count >= lineEnd + 2 + size + 2 else { return }
            body += String(decoding: raw[(lineEnd + 2)..<(lineEnd + 2 + size)], as: UTF8.self)
            raw.removeFirst(lineEnd + 2 + size + 2)
        }
    }

    /// The next block of the stream, or `nil` when the response or the connection ended.
    mutating func next() async throws -> SSEMessage? {
        while true {
            if let range = body.range(of: "\n\n") {
                let block = String(body[..<range.upperBound])
                body.removeSubrange(..<range.upperBound)
                return SSEMessage.parse(block).first
            }
            if ended { return nil }
            decodeChunks()
            if body.contains("\n\n") || ended { continue }
            if !(try await fill()) { ended = true }
        }
    }

    /// The next `count` events, skipping keep-alive comments.
    mutating func events(_ count: Int) async throws -> [SSEMessage] {
        var out: [SSEMessage] = []
        while out.count < count, let m = try await next() {
            if m.id != nil { out.append(m) }
        }
        return out
    }
}

/// Opens a connection, sends `GET target` and hands the reader to `body`.
func withEventStream<T>(port: Int, _ target: String, headers: [String] = [],
                        _ body: (inout EventStreamReader) async throws -> T) async throws -> T {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        let head = (["GET \(target) HTTP/1.1", "Host: 127.0.0.1", "Accept: text/event-stream"] + headers).joined(separator: "\r\n")
        try await outbound.write(ByteBuffer(string: head + "\r\n\r\n"))
        var reader = EventStreamReader(inbound: inbound.makeAsyncIterator())
        return try await body(&reader)
    }
}

@Suite(.timeLimit(.minutes(1))) struct EventStreamLiveTests {
    @Test func liveServer_streamsToSeveralClients_replays_andEndsOnShutdown() async throws {
        let bench = try APIBench.make()
        let early = try await bench.fixtureSession(at: 1)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let logger = Logger(label: "pacer.test")
        let app = buildApplication(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: bench.services,
                                   registry: PrometheusCollectorRegistry(), logger: logger,
                                   onServerRunning: { portSink.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var portIterator = ports.makeAsyncIterator()
            let port = try #require(await portIterator.next())

            try await withEventStream(port: port, "/v1/events") { a in
                #expect(try await a.readHead() == 200)
                #expect(a.headers["content-type"] == "text/event-stream" && a.headers["cache-control"] == "no-cache")
                #expect(try await a.next()?.retry == "2000")
                try await withEventStream(port: port, "/v1/events?after=0") { b in
                    #expect(try await b.readHead() == 200)
                    #expect(try await b.next()?.retry == "2000")
                    // after=0 replays what came before; the other client starts from now.
                    #expect(try await b.events(1).first?.json.strMember("entity_id") == early.id)

                    var written: [String] = []
                    for i in 0..<3 { written.append(try await bench.fixtureSession(at: Double(10 + i)).id) }
                    let fromA = try await a.events(3)
                    let fromB = try await b.events(3)
                    for got in [fromA, fromB] {
                        #expect(got.map { $0.json.strMember("entity_id") } == written)
                        #expect(got.allSatisfy { $0.event == "session_changed" })
                        let ids = got.compactMap { $0.id.flatMap(Int64.init) }
                        #expect(ids.count == 3 && ids == ids.sorted())
                        #expect(got.map { $0.json["sequence"] } == ids.map { .number(Double($0)) })
                    }
                    #expect(fromA.map(\.id) == fromB.map(\.id))

                    // A browser reconnecting sends Last-Event-ID and gets what followed it.
                    let lastSeen = try #require(fromA.first?.id)
                    try await withEventStream(port: port, "/v1/events", headers: ["Last-Event-ID: \(lastSeen)"]) { c in
                        let status = try await c.readHead()
                        let retry = try await c.next()?.retry
                        let events = try await c.events(2)
                        #expect(status == 200 && retry == "2000")
                        #expect(events.map { $0.json.strMember("entity_id") } == Array(written.dropFirst()))
                    }
                    // A bad cursor is refused before the stream starts.
                    try await withEventStream(port: port, "/v1/events?after=-5") { d in
                        let status = try await d.readHead()
                        #expect(status == 400)
                    }

                    // Shutting down ends the open streams cleanly.
                    await group.triggerGracefulShutdown()
                    while try await a.next() != nil {}
                    while try await b.next() != nil {}
                }
            }
            try await tasks.waitForAll()
        }
        await bench.close()
    }
}
