extension BudgetCatalog {
    public static let gatewayRequestBodyBytes = BudgetDefinition(
        "GATEWAY_MAX_BODY_BYTES", default: 1 << 20, range: 1_024...(16 << 20), unit: "bytes", kind: .size,
        enforcedBy: ["gateway"],
        summary: "Size of one request body the gateway forwards (checked on Content-Length and while reading, "
            + "before an upstream or its circuit breaker is involved); nginx's client_max_body_size (16 MiB) "
            + "is the outer bound, and cards-api applies its own 1 MiB")

    static var gateway: [BudgetDefinition] { [gatewayRequestBodyBytes] }
}
