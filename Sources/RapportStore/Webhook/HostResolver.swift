import Foundation
public import RapportCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns a host name (or an address literal) into the addresses a connection to it could reach, so a
/// webhook target can be checked against private networks before it is saved and before each delivery.
public struct HostResolver: Sendable {
    /// The addresses of a host; empty when it does not resolve.
    public var resolve: @Sendable (String) async -> [IPAddress]

    /// Makes a resolver from a closure.
    public init(resolve: @escaping @Sendable (String) async -> [IPAddress]) { self.resolve = resolve }

    /// The system resolver (`getaddrinfo`, which also reads `/etc/hosts` and numeric forms such as
    /// `2130706433`), run off the caller's thread since it blocks.
    public static let system = HostResolver { host in
        if let literal = IPAddress(host) { return [literal] }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: HostResolver.lookUp(host)) }
        }
    }

    private static func lookUp(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = info.pointee.ai_addr,
                getnameinfo(address, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0,
                let parsed = IPAddress(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            {
                if !addresses.contains(parsed) { addresses.append(parsed) }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
