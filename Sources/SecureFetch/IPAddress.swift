#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an address is not a public unicast address a fetch may go to.
public enum AddressRestriction: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `0.0.0.0/8`, `::`: on Linux a connect to 0.0.0.0 reaches the machine itself.
    case unspecified
    /// `127.0.0.0/8`, `::1`.
    case loopback
    /// RFC 1918 (`10/8`, `172.16/12`, `192.168/16`), unique-local `fc00::/7`, site-local `fec0::/10`,
    /// local-use NAT64 `64:ff9b:1::/48`.
    case privateNetwork
    /// Carrier-grade NAT `100.64.0.0/10` (RFC 6598): a provider's internal network.
    case sharedAddressSpace
    /// `169.254.0.0/16` (cloud metadata services live here), `fe80::/10`.
    case linkLocal
    /// `224.0.0.0/4`, `ff00::/8`.
    case multicast
    /// `255.255.255.255`.
    case broadcast
    /// `192.0.2/24`, `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`, `3fff::/20`.
    case documentation
    /// Everything else that is not global unicast: `240/4`, `192.0.0/24`, `198.18/15`, Teredo, the
    /// deprecated IPv4-compatible form, IPv6 outside `2000::/3`, …
    case reserved

    public var description: String {
        switch self {
        case .unspecified: "an unspecified address"
        case .loopback: "a loopback address"
        case .privateNetwork: "a private-network address"
        case .sharedAddressSpace: "a shared (CGNAT) address"
        case .linkLocal: "a link-local address"
        case .multicast: "a multicast address"
        case .broadcast: "the broadcast address"
        case .documentation: "a documentation address"
        case .reserved: "a reserved address"
        }
    }

    /// The restrictions ``FetchPolicy/allowLoopbackAndPrivate`` lifts: addresses of this machine and its
    /// networks, which a test server or a closed deployment really uses. The others never name a server.
    public var isLocalNetwork: Bool {
        switch self {
        case .loopback, .privateNetwork, .sharedAddressSpace, .linkLocal: true
        default: false
        }
    }
}

/// An IPv4 or IPv6 address as bytes, with the classification the fetcher uses to refuse non-public hosts.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public let bytes: [UInt8]

    /// An address from 4 or 16 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses a dotted-quad IPv4 address or an IPv6 address (optionally in brackets).
    ///
    /// Only the canonical text forms are accepted (`inet_pton`): `127.1`, `0x7f.0.0.1` and `2130706433` are
    /// not addresses here. The fetcher never relies on this for safety: it classifies what the resolver
    /// returned, which is where such forms end up as `127.0.0.1`.
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        guard !text.isEmpty, !text.contains("\0") else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(text), &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, String(text), &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// Whether this is an IPv6 address.
    public var isIPv6: Bool { bytes.count == 16 }

    /// The canonical text form (`inet_ntop`), without brackets.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = isIPv6 ? AF_INET6 : AF_INET
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map { String($0) }.joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Why this address is not public unicast, or `nil` when it is.
    ///
    /// IPv6 forms that carry an IPv4 address (mapped `::ffff:a.b.c.d`, SIIT `::ffff:0:a.b.c.d`, NAT64
    /// `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address inside, because that is where a
    /// packet to them ends up.
    public var restriction: AddressRestriction? {
        isIPv6 ? Self.classify6(bytes) : Self.classify4(bytes[0], bytes[1], bytes[2], bytes[3])
    }

    /// Whether `policy` lets a fetch connect here.
    public func isAllowed(by policy: FetchPolicy) -> Bool {
        guard let restriction else { return true }
        return policy.allowLoopbackAndPrivate && restriction.isLocalNetwork
    }

    private static func classify4(_ first: UInt8, _ second: UInt8, _ third: UInt8, _ fourth: UInt8) -> AddressRestriction? {
        switch (first, second, third) {
        case (0, _, _): return .unspecified
        case (127, _, _): return .loopback
        case (10, _, _): return .privateNetwork
        case (172, 16...31, _): return .privateNetwork
        case (192, 168, _): return .privateNetwork
        case (100, 64...127, _): return .sharedAddressSpace
        case (169, 254, _): return .linkLocal
        case (192, 0, 2), (198, 51, 100), (203, 0, 113): return .documentation
        case (192, 0, 0), (192, 88, 99), (198, 18...19, _): return .reserved
        case (224...239, _, _): return .multicast
        case (255, 255, 255) where fourth == 255: return .broadcast
        case (240...255, _, _): return .reserved
        default: return nil
        }
    }

    private static func classify6(_ bytes: [UInt8]) -> AddressRestriction? {
        let firstTen = bytes[0..<10].allSatisfy { $0 == 0 }
        if firstTen && bytes[10] == 0 && bytes[11] == 0 {
            // ::/96: the unspecified and loopback addresses, and the deprecated IPv4-compatible form.
            if bytes[12..<15].allSatisfy({ $0 == 0 }) {
                if bytes[15] == 0 { return .unspecified }
                if bytes[15] == 1 { return .loopback }
            }
            return .reserved
        }
        if firstTen && bytes[10] == 0xff && bytes[11] == 0xff {  // ::ffff:a.b.c.d, IPv4-mapped
            return classify4(bytes[12], bytes[13], bytes[14], bytes[15])
        }
        if bytes[0..<8].allSatisfy({ $0 == 0 }) && bytes[8] == 0xff && bytes[9] == 0xff && bytes[10] == 0 && bytes[11] == 0 {
            return classify4(bytes[12], bytes[13], bytes[14], bytes[15])  // ::ffff:0:a.b.c.d, SIIT
        }
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b {
            if bytes[4] == 0 && bytes[5] == 1 { return .privateNetwork }  // 64:ff9b:1::/48, local-use NAT64
            if bytes[4..<12].allSatisfy({ $0 == 0 }) { return classify4(bytes[12], bytes[13], bytes[14], bytes[15]) }
            return .reserved
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 {  // 2002::/16, 6to4 (the IPv4 address is bytes 2...5)
            return classify4(bytes[2], bytes[3], bytes[4], bytes[5])
        }
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x00 && bytes[3] == 0x00 { return .reserved }  // Teredo
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8 { return .documentation }
        if bytes[0] == 0x3f && bytes[1] == 0xff && bytes[2] & 0xf0 == 0 { return .documentation }  // 3fff::/20
        if bytes[0] == 0xff { return .multicast }
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0xc0 { return .privateNetwork }  // fec0::/10, deprecated site-local
        if bytes[0] & 0xfe == 0xfc { return .privateNetwork }  // fc00::/7
        if bytes[0] == 0x01 && bytes[1] == 0x00 && bytes[2..<8].allSatisfy({ $0 == 0 }) { return .reserved }  // 100::/64, discard
        // Only 2000::/3 is allocated for global unicast; the rest of the space names no server.
        if bytes[0] & 0xe0 != 0x20 { return .reserved }
        return nil
    }
}
