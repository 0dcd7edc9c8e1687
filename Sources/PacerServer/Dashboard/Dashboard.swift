import Foundation
import Hummingbird

/// The web dashboard at `/` (not built yet).
public enum Dashboard {
    /// Registers the dashboard's routes.
    public static func register(on router: Router<APIRequestContext>) {
        router.get("/") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: "<!doctype html><title>Pacer</title><p>Pacer</p>")))
        }
    }
}
