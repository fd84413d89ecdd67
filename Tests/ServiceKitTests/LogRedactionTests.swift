import ServiceKit
import Testing

/// Request URIs are logged without the credentials a query string may carry.
@Suite struct LogRedactionTests {
    @Test(arguments: [
        ("/ws?access_token=eyJ.a.b", "/ws?access_token=[REDACTED]"),
        ("/events?channel=run:1&access_token=eyJ&since=0", "/events?channel=run:1&access_token=[REDACTED]&since=0"),
        ("/x?refresh_token=r&API_KEY=k&password=p&ok=1",
         "/x?refresh_token=[REDACTED]&API_KEY=[REDACTED]&password=[REDACTED]&ok=1"),
        ("/x?access%5Ftoken=t", "/x?access%5Ftoken=[REDACTED]"),
        ("/x?key=k&monkey=m", "/x?key=[REDACTED]&monkey=m"),
        ("/events?channel=health", "/events?channel=health"),
        ("/plain", "/plain"),
    ])
    func tokenLikeParametersAreRedacted(uri: String, logged: String) {
        #expect(LogRedaction.uri(uri) == logged)
    }
}
