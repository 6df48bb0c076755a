import Foundation

/// An IPv4 or IPv6 address as bytes, parsed from its text form, and what kind of network it belongs to:
/// the rule that keeps webhooks from reaching the server's own machine or its private network (SSRF).
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Parses dotted-quad IPv4 (`192.168.0.1`) or IPv6 (`::1`, `fe80::1%eth0`, `::ffff:10.0.0.1`, with or
    /// without brackets). Nil for anything else, host names included.
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let v4 = Self.parseIPv4(text) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(text) {
            bytes = v6
        } else {
            return nil
        }
    }

    /// Whether it is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// The text form (IPv6 without zero compression, lower-case hex).
    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// The network the address belongs to.
    public var range: IPAddressRange {
        if isIPv4 { return Self.classifyIPv4(bytes) }
        let zeroPrefix10 = bytes[0..<10].allSatisfy { $0 == 0 }
        // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses
        // reach the IPv4 address they carry.
        if zeroPrefix10, bytes[10] == 0xff, bytes[11] == 0xff { return Self.classifyIPv4(Array(bytes[12...])) }
        if bytes == [UInt8](repeating: 0, count: 16) { return .unspecified }
        if bytes == [UInt8](repeating: 0, count: 15) + [1] { return .loopback }
        if zeroPrefix10, bytes[10] == 0, bytes[11] == 0 { return Self.classifyIPv4(Array(bytes[12...])) }
        if bytes[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return Self.classifyIPv4(Array(bytes[12...])) }
        if bytes[0] & 0xfe == 0xfc { return .uniqueLocal }
        if bytes[0] == 0xfe, bytes[1] & 0xc0 == 0x80 { return .linkLocal }
        if bytes[0] == 0xfe, bytes[1] & 0xc0 == 0xc0 { return .privateNetwork }  // deprecated site-local fec0::/10
        if bytes[0] == 0xff { return .multicast }
        return .public
    }

    /// Whether a webhook may reach it without the "allow private targets" switch.
    public var isPublic: Bool { range == .public }

    private static func classifyIPv4(_ b: [UInt8]) -> IPAddressRange {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified  // 0.0.0.0/8, "this network"
        case (127, _): return .loopback
        case (10, _), (172, 16...31), (192, 168): return .privateNetwork
        case (100, 64...127): return .sharedAddressSpace
        case (169, 254): return .linkLocal
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved  // 240.0.0.0/4 and the broadcast address
        default: return .public
        }
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                part.count == 1 || part.first != "0", let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        var text = text
        if let zone = text.firstIndex(of: "%") {
            guard text.index(after: zone) < text.endIndex else { return nil }
            text = text[..<zone]
        }
        guard text.contains(":") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowTrailingIPv4: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            var result: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, allowTrailingIPv4, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    result += v4
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    result += [UInt8(value >> 8), UInt8(value & 0xff)]
                }
            }
            return result
        }
        if halves.count == 1 {
            guard let all = groups(halves[0], allowTrailingIPv4: true), all.count == 16 else { return nil }
            return all
        }
        guard let head = groups(halves[0], allowTrailingIPv4: false), let tail = groups(halves[1], allowTrailingIPv4: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

/// The kinds of networks an address can belong to, as far as reaching it from a server matters.
public enum IPAddressRange: String, Sendable, CaseIterable, Hashable {
    /// Routable on the internet.
    case `public`
    /// `127.0.0.0/8`, `::1`: this machine.
    case loopback
    /// `0.0.0.0/8`, `::`: "this host" (reaches the machine itself on most systems).
    case unspecified
    /// RFC 1918 (`10/8`, `172.16/12`, `192.168/16`) and IPv6 site-local.
    case privateNetwork = "private"
    /// `100.64.0.0/10`, carrier-grade NAT.
    case sharedAddressSpace = "shared"
    /// `169.254.0.0/16` (cloud metadata services live here), `fe80::/10`.
    case linkLocal = "link_local"
    /// `fc00::/7`.
    case uniqueLocal = "unique_local"
    /// `224.0.0.0/4`, `ff00::/8`.
    case multicast
    /// `240.0.0.0/4`, broadcast.
    case reserved
}
