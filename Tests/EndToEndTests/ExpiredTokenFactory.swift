import Crypto
import Foundation

/// Builds an HS256 JWT by hand (not through the suite's own signer), expired an hour ago,
/// so the test checks expiry rather than trusting the code under test to make the token.
enum ExpiredTokenFactory {
    static func make(secret: String) -> String {
        func base64url(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let now = Int(Date().timeIntervalSince1970)
        let header = base64url(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let claims = #"{"sub":"\#(UUID().uuidString.lowercased())","email":"x@y.z","role":"user","typ":"access","iat":\#(now - 7200),"exp":\#(now - 3600)}"#
        let payload = base64url(Data(claims.utf8))
        let signature = HMAC<SHA256>.authenticationCode(for: Data("\(header).\(payload)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "\(header).\(payload).\(base64url(Data(signature)))"
    }
}
