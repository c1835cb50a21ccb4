import NIOSSL

/// A self-signed certificate for `localhost` only (no IP address), valid until 2126, and its P-256 key: the TLS
/// upstream of the whole-answer path's tests. Made with `openssl req -x509 -newkey ec -pkeyopt
/// ec_paramgen_curve:prime256v1 -days 36500 -nodes -subj /CN=localhost -addext subjectAltName=DNS:localhost`.
enum LocalhostCertificate {
    /// The certificate (PEM).
    static let certificatePEM = """
-----BEGIN CERTIFICATE-----
MIIBlTCCATugAwIBAgIUWTCOIFMBb4UWuyJGipgfyoFZ6CQwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMjAwMjkwOFoYDzIxMjYxMTA4
MDAyOTA4WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQkoAVXekgefP7cy8vNvccdQjUxJVkUh3zKRDcIps0+KX18WstuOKGl
xQzFNHoW2JMpUPOKDFdHnlkwAJ/GQ7LRo2kwZzAdBgNVHQ4EFgQUXCx5/QBkGwin
5B/8cuPW8VUVpecwHwYDVR0jBBgwFoAUXCx5/QBkGwin5B/8cuPW8VUVpecwDwYD
VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwCgYIKoZIzj0EAwID
SAAwRQIhAOqCi2I207+ecdmCw3Ps8uGpn2rPYuPxKZYFi2SXZKOYAiAVkcVJ0mQM
PMUAo7p2ywGanfcdE6QVDk44jWQLCH1UPA==
-----END CERTIFICATE-----
"""

    /// Its private key (PEM): a test fixture that guards nothing.
    static let keyPEM = """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTn9Pmih3HtA2ccxt
1ogBfY1uuEWClMsUJfJ/wPKmWyihRANCAAQkoAVXekgefP7cy8vNvccdQjUxJVkU
h3zKRDcIps0+KX18WstuOKGlxQzFNHoW2JMpUPOKDFdHnlkwAJ/GQ7LR
-----END PRIVATE KEY-----
"""

    /// A server context presenting the certificate.
    static func serverContext() throws -> NIOSSLContext {
        let certificate = try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key)))
    }

    /// A client configuration that trusts only this certificate (full verification, names included).
    static func trustingClient() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)])
        return configuration
    }
}
