import Foundation
import Hummingbird

/// The web dashboard: one HTML page, a script and a style sheet, all embedded in the binary
/// (no build step, nothing fetched from elsewhere). They are real files in `Dashboard/Files/`
/// that the package compiles into the binary (`.embedInCode` in `Package.swift`). The page picks its view from the URL's
/// hash (`#/schedules/<id>`) or path (`/sessions/<id>`, the form per-item notify hooks link
/// to), and reads everything it shows from the `/v1` API.
public enum Dashboard {
    /// The paths that serve the page itself; the script routes among them.
    static let pagePaths = [
        "/", "/schedules", "/schedules/new", "/schedules/:id", "/schedules/:id/edit",
        "/sessions", "/sessions/:id", "/agents",
    ]

    /// Registers the dashboard's routes: the page at `/` and at each view's path, and its
    /// assets under `/assets/`.
    /// - Parameter router: the application's router.
    public static func register(on router: Router<APIRequestContext>) {
        let page = DashboardAsset(DashboardAssets.page, contentType: "text/html; charset=utf-8")
        for path in pagePaths {
            router.get(RouterPath(path)) { request, _ -> Response in page.response(to: request) }
        }
        let script = DashboardAsset(DashboardAssets.script, contentType: "text/javascript; charset=utf-8")
        router.get("/assets/app.js") { request, _ -> Response in script.response(to: request) }
        let styles = DashboardAsset(DashboardAssets.css, contentType: "text/css; charset=utf-8")
        router.get("/assets/app.css") { request, _ -> Response in styles.response(to: request) }
    }
}

/// The dashboard's files as the binary holds them.
enum DashboardAssets {
    /// `/`: the page.
    static let page = text(PackageResources.index_html)

    /// `/assets/app.js`: the script's parts joined in this order (each defines what the later
    /// ones use; `start.js` routes and starts the live stream).
    static let script = [
        PackageResources.core_js, PackageResources.client_js, PackageResources.auth_js, PackageResources.live_js,
        PackageResources.schedules_js, PackageResources.schedule_detail_js, PackageResources.schedule_form_js,
        PackageResources.sessions_js, PackageResources.start_js,
    ].map(text).joined(separator: "\n")

    /// `/assets/app.css`: the base style sheet, then the views' parts.
    static let css = [PackageResources.base_css, PackageResources.parts_css].map(text).joined(separator: "\n")

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

/// One embedded file with its strong entity tag. Browsers revalidate on every load
/// (`Cache-Control: no-cache`) and get a bodiless 304 while the binary is unchanged.
struct DashboardAsset: Sendable {
    let body: ByteBuffer
    let contentType: String
    /// A strong `ETag`: the FNV-1a hash of the bytes.
    let etag: String

    /// - Parameters:
    ///   - text: the file's contents.
    ///   - contentType: its media type.
    init(_ text: String, contentType: String) {
        body = ByteBuffer(string: text)
        self.contentType = contentType
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        etag = "\"\(String(hash, radix: 16))-\(text.utf8.count)\""
    }

    /// The file, or a 304 when the request's `If-None-Match` names its tag.
    /// - Parameter request: the request.
    func response(to request: Request) -> Response {
        var headers: HTTPFields = [.eTag: etag, .cacheControl: "no-cache", .contentType: contentType]
        headers[.xContentTypeOptions] = "nosniff"
        if let match = request.headers[.ifNoneMatch], Self.matches(match, etag) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// Whether an `If-None-Match` value names the tag (weak comparison, as RFC 9110 asks).
    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { part in
            let tag = part.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }
}
