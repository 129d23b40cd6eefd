import PKCS11Keys
import Testing

@Suite("RFC 7512 PKCS#11 URIs")
struct PKCS11URITests {
    @Test("token, object, id and type are read, percent-escapes decoded")
    func readsPathAttributes() throws {
        let uri = try PKCS11URI("pkcs11:token=University%20seal;object=seal-2026;id=%01%a2;type=private")
        #expect(uri.token == "University seal")
        #expect(uri.object == "seal-2026")
        #expect(uri.id == [0x01, 0xa2])
        #expect(uri.type == "private")
    }

    @Test("the query's module-path and pin-source are read")
    func readsQueryAttributes() throws {
        let uri = try PKCS11URI("pkcs11:token=t;object=k?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin")
        #expect(uri.modulePath == "/usr/lib/softhsm/libsofthsm2.so")
        #expect(uri.pinSource == "file:/run/pin")
    }

    @Test("a PIN in the URI (pin-value) is refused without repeating it")
    func refusesPINValue() {
        let error = #expect(throws: PKCS11Error.self) { try PKCS11URI("pkcs11:token=t;object=k?pin-value=4711") }
        #expect(error?.code == .invalidURI)
        #expect(error?.description.contains("4711") == false)
    }

    @Test("unknown attributes, repeated attributes, bad escapes and other schemes are refused")
    func refusesMalformedURIs() {
        for text in ["pkcs11:token=t;lable=k", "pkcs11:token=a;token=b", "pkcs11:id=%zz", "pkcs11:object", "file:///key.pem", "pkcs11:type=other;object=x"] {
            #expect(throws: PKCS11Error.self, "\(text)") { try PKCS11URI(text) }
        }
    }

    @Test("the description writes the URI back in a form that reads the same")
    func roundTrips() throws {
        let uri = try PKCS11URI("pkcs11:token=My%20token;object=k%3Bey;id=%00%ff")
        #expect(try PKCS11URI(uri.description) == uri)
        #expect(uri.description.contains("k%3Bey"))
    }

    @Test("a PIN source is file: or env:, and a bare PIN is refused without being echoed")
    func pinSources() throws {
        #expect(try PINSource("file:/run/pin").description == "file:/run/pin")
        #expect(try PINSource("env:TOKEN_PIN").description == "env:TOKEN_PIN")
        let error = #expect(throws: PKCS11Error.self) { try PINSource("123456") }
        #expect(error?.code == .pinSource)
        #expect(error?.description.contains("123456") == false)
        #expect(throws: PKCS11Error.self) { try PINSource("env:") }
    }

    @Test("every CKR_ value of the header has a name and a reason; the login failures have their own codes")
    func returnValues() {
        #expect(PKCS11ReturnValue(0xa0).description == "CKR_PIN_INCORRECT (the PIN is wrong)")
        #expect(PKCS11ReturnValue(0xa0).code == .wrongPIN)
        #expect(PKCS11ReturnValue(0xa4).code == .pinLocked)
        #expect(PKCS11ReturnValue(0x70).code == .mechanismNotSupported)
        #expect(PKCS11ReturnValue(0x8000_0001).name == "CKR_0x80000001")
        #expect(PKCS11ReturnValue(0x8000_0001).reason.contains("vendor"))
    }
}
