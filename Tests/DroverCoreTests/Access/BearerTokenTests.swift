import DroverCore
import Testing

@Suite("Authorization header parsing")
struct BearerTokenTests {
    @Test("the token of a Bearer header, the scheme in any case",
          arguments: [("Bearer drv_abc", "drv_abc"), ("bearer drv_abc", "drv_abc"), ("BEARER   drv_abc ", "drv_abc")])
    func bearer(header: String, token: String) {
        #expect(BearerToken.parse(authorizationHeader: header) == token)
    }

    @Test("no token from a missing header, another scheme, an empty or a spaced token",
          arguments: [nil, "", "Basic YWxpY2U6cHc=", "Bearer", "Bearer ", "Bearer a b", "drv_abc"] as [String?])
    func none(header: String?) {
        #expect(BearerToken.parse(authorizationHeader: header) == nil)
    }
}
