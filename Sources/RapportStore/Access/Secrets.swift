import Crypto
import Foundation

/// Random tokens and their stored hashes. Only hashes are stored: a leaked database holds no usable
/// session or API token.
enum Secrets {
    /// A random URL-safe token with a readable prefix (`rpt_…` for API tokens).
    static func token(prefix: String, bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let text = data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// SHA-256 of a token, hex. Tokens carry 256 bits of randomness, so a fast hash is enough (unlike passwords).
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
