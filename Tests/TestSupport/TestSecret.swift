import Foundation

/// Signing keys for tests, made the way the docs tell operators to (`openssl rand -base64 48`):
/// the daemons refuse guessable `JWT_SECRET`s, fixtures included.
public enum TestSecret {
    /// A fresh random key: 48 random bytes in base64.
    public static func jwt() -> String {
        Data((0..<48).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
    }
}
