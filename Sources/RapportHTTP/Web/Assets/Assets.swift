import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The UI's own static files, compiled into the binary: served with a content hash in the URL and cached
/// for a year.
enum Assets {
    /// The line-icon sprite (24×24, stroked).
    static let icons = #"""
        <svg xmlns="http://www.w3.org/2000/svg">
        <symbol id="logo" viewBox="0 0 24 24"><circle cx="8" cy="9" r="3.2"/><circle cx="16" cy="9" r="3.2"/><path d="M2.5 19c.8-3 3-4.6 5.5-4.6s4.7 1.6 5.5 4.6M10.5 19c.8-3 3-4.6 5.5-4.6s4.7 1.6 5.5 4.6"/></symbol>
        <symbol id="home" viewBox="0 0 24 24"><path d="M3 11 12 4l9 7"/><path d="M5 10v10h14V10"/><path d="M10 20v-6h4v6"/></symbol>
        <symbol id="contacts" viewBox="0 0 24 24"><circle cx="12" cy="8" r="4"/><path d="M4 21c1-4 4.5-6 8-6s7 2 8 6"/></symbol>
        <symbol id="companies" viewBox="0 0 24 24"><path d="M4 21V5l8-2v18M12 8h8v13M3 21h18"/><path d="M7 8h2M7 12h2M7 16h2M15 12h2M15 16h2"/></symbol>
        <symbol id="deals" viewBox="0 0 24 24"><rect x="3" y="4" width="5" height="16" rx="1"/><rect x="10" y="4" width="5" height="11" rx="1"/><rect x="17" y="4" width="4" height="7" rx="1"/></symbol>
        <symbol id="tasks" viewBox="0 0 24 24"><rect x="4" y="4" width="16" height="17" rx="2"/><path d="M8 2v4M16 2v4M4 10h16M9 15l2 2 4-4"/></symbol>
        <symbol id="orders" viewBox="0 0 24 24"><path d="M3 4h2l2.4 11h10.2L20 7H6.2"/><circle cx="9" cy="19" r="1.5"/><circle cx="17" cy="19" r="1.5"/></symbol>
        <symbol id="segments" viewBox="0 0 24 24"><path d="M3 5h18l-7 8v6l-4 2v-8z"/></symbol>
        <symbol id="reports" viewBox="0 0 24 24"><path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/></symbol>
        <symbol id="trash" viewBox="0 0 24 24"><path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"/></symbol>
        <symbol id="settings" viewBox="0 0 24 24"><circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1"/></symbol>
        <symbol id="menu" viewBox="0 0 24 24"><path d="M4 6h16M4 12h16M4 18h16"/></symbol>
        <symbol id="plus" viewBox="0 0 24 24"><path d="M12 5v14M5 12h14"/></symbol>
        <symbol id="phone" viewBox="0 0 24 24"><path d="M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z"/></symbol>
        <symbol id="mail" viewBox="0 0 24 24"><rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 7 9 6 9-6"/></symbol>
        <symbol id="check" viewBox="0 0 24 24"><path d="m5 12 5 5 9-10"/></symbol>
        <symbol id="sign-out" viewBox="0 0 24 24"><path d="M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10"/></symbol>
        <symbol id="search" viewBox="0 0 24 24"><circle cx="11" cy="11" r="6"/><path d="m20 20-4.5-4.5"/></symbol>
        <symbol id="edit" viewBox="0 0 24 24"><path d="M4 20h4L19 9l-4-4L4 16v4zM13 7l4 4"/></symbol>
        </svg>
        """#

    static let favicon = #"""
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#1f5fd1"/><g fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round"><circle cx="8" cy="10" r="2.6"/><circle cx="16" cy="10" r="2.6"/><path d="M3.5 19c.8-2.6 2.6-4 4.5-4s3.7 1.4 4.5 4M11.5 19c.8-2.6 2.6-4 4.5-4s3.7 1.4 4.5 4"/></g></svg>
        """#

    /// One hash over every asset: a new binary gets new URLs, so browsers never mix versions.
    static let version: String = {
        var hasher = SHA256()
        for text in [stylesheet, script, icons, favicon] { hasher.update(data: Data(text.utf8)) }
        return hasher.finalize().prefix(6).map { String(format: "%02x", $0) }.joined()
    }()

    static func response(named name: String) -> Response? {
        let (text, type): (String, String)
        switch name {
        case "app.css": (text, type) = (stylesheet, "text/css; charset=utf-8")
        case "app.js": (text, type) = (script, "text/javascript; charset=utf-8")
        case "icons.svg": (text, type) = (icons, "image/svg+xml")
        case "icon.svg": (text, type) = (favicon, "image/svg+xml")
        default: return nil
        }
        return Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "public, max-age=31536000, immutable", .xContentTypeOptions: "nosniff"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
