import SecureFetch
import Testing

@Suite("IP address classification")
struct AddressClassificationTests {
    @Test(arguments: [
        ("0.0.0.0", AddressRestriction.unspecified), ("0.255.255.255", .unspecified),
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback),
        ("10.0.0.1", .privateNetwork), ("172.16.0.0", .privateNetwork), ("172.31.255.255", .privateNetwork),
        ("192.168.1.1", .privateNetwork),
        ("100.64.0.0", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
        ("169.254.169.254", .linkLocal), ("169.254.0.1", .linkLocal),
        ("224.0.0.1", .multicast), ("239.255.255.255", .multicast),
        ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved), ("255.255.255.254", .reserved),
        ("192.0.2.10", .documentation), ("198.51.100.1", .documentation), ("203.0.113.255", .documentation),
        ("192.0.0.8", .reserved), ("198.18.0.1", .reserved), ("198.19.255.255", .reserved),
    ])
    func restrictedIPv4(_ text: String, _ expected: AddressRestriction) throws {
        let address = try #require(IPAddress(text))
        #expect(address.restriction == expected)
        #expect(!address.isIPv6)
    }

    @Test(arguments: [
        "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
        "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0",
        "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255",
    ])
    func publicIPv4(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.restriction == nil)
        #expect(address.isAllowed(by: FetchPolicy()))
    }

    @Test(arguments: [
        ("::", AddressRestriction.unspecified), ("::1", .loopback), ("[::1]", .loopback),
        ("fe80::1", .linkLocal), ("febf:ffff::1", .linkLocal),
        ("fc00::1", .privateNetwork), ("fd12:3456::1", .privateNetwork), ("fec0::1", .privateNetwork),
        ("ff02::1", .multicast), ("ff0e::1", .multicast),
        ("2001:db8::1", .documentation), ("3fff::1", .documentation),
        ("2001::1", .reserved), ("100::1", .reserved), ("::2", .reserved), ("4000::1", .reserved),
        ("64:ff9b:1::1", .privateNetwork),
    ])
    func restrictedIPv6(_ text: String, _ expected: AddressRestriction) throws {
        let address = try #require(IPAddress(text))
        #expect(address.restriction == expected)
        #expect(address.isIPv6)
    }

    /// IPv6 spellings that carry an IPv4 address are judged by that address.
    @Test(arguments: [
        ("::ffff:127.0.0.1", AddressRestriction.loopback), ("::ffff:7f00:1", .loopback),
        ("::ffff:10.1.2.3", .privateNetwork), ("::ffff:169.254.169.254", .linkLocal),
        ("::ffff:100.64.0.1", .sharedAddressSpace), ("::ffff:0.0.0.0", .unspecified),
        ("::ffff:0:127.0.0.1", .loopback),  // SIIT
        ("::127.0.0.1", .reserved),  // deprecated IPv4-compatible
        ("64:ff9b::127.0.0.1", .loopback), ("64:ff9b::192.168.0.1", .privateNetwork),  // NAT64
        ("2002:7f00:1::", .loopback), ("2002:a9fe:a9fe::1", .linkLocal),  // 6to4
    ])
    func embeddedIPv4(_ text: String, _ expected: AddressRestriction) throws {
        #expect(try #require(IPAddress(text)).restriction == expected)
    }

    @Test(arguments: ["::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1", "2606:4700::1111", "2a00:1450::1"])
    func publicIPv6(_ text: String) throws {
        #expect(try #require(IPAddress(text)).restriction == nil)
    }

    /// Only canonical text forms parse; the fetcher classifies resolver output, never these spellings.
    @Test(arguments: ["127.1", "0x7f.0.0.1", "2130706433", "017700000001", "256.0.0.1", "1.2.3", "", "::1%lo", "[::1", "example.com"])
    func nonCanonicalTextIsNotAnAddress(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func textFormsRoundTrip() throws {
        #expect(try #require(IPAddress("::FFFF:127.0.0.1")).description == "::ffff:127.0.0.1")
        #expect(try #require(IPAddress("2001:0db8:0000::0001")).description == "2001:db8::1")
        #expect(try #require(IPAddress("10.0.0.1")).description == "10.0.0.1")
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
        #expect(IPAddress(bytes: [8, 8, 4, 4])?.description == "8.8.4.4")
    }

    @Test func theTestSwitchLiftsOnlyLocalNetworkRestrictions() throws {
        let local = FetchPolicy(allowLoopbackAndPrivate: true)
        for allowed in ["127.0.0.1", "::1", "10.0.0.1", "fd00::1", "169.254.1.1", "fe80::1", "100.64.0.1", "::ffff:192.168.0.1"] {
            #expect(try #require(IPAddress(allowed)).isAllowed(by: local), "\(allowed)")
            #expect(try !#require(IPAddress(allowed)).isAllowed(by: FetchPolicy()), "\(allowed)")
        }
        for refused in ["0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255", "240.0.0.1", "192.0.2.1", "2001:db8::1"] {
            #expect(try !#require(IPAddress(refused)).isAllowed(by: local), "\(refused)")
        }
    }
}
