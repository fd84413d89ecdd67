import HTTPTypes

// Each controller's operations, in the order its `register` adds the routes.

extension AuthController {
    static let openAPI: [APIOperation] = [
        APIOperation(method: .post, path: "/api/v1/auth/register", summary: "Create an account", tag: "auth",
                     request: "Credentials", responses: [201: "User", 409: "Problem"], authenticated: false),
        APIOperation(method: .post, path: "/api/v1/auth/login", summary: "Exchange credentials for tokens", tag: "auth",
                     request: "Credentials", responses: [200: "TokenPair"], authenticated: false),
        APIOperation(method: .post, path: "/api/v1/auth/refresh", summary: "Rotate a refresh token for a new pair", tag: "auth",
                     request: "RefreshRequest", responses: [200: "TokenPair", 401: "Problem"], authenticated: false),
        APIOperation(method: .post, path: "/api/v1/auth/logout", summary: "Revoke a refresh token's family", tag: "auth",
                     request: "RefreshRequest", responses: [204: nil, 401: "Problem"], authenticated: false),
        APIOperation(method: .get, path: "/api/v1/auth/me", summary: "The caller", tag: "auth", request: nil, responses: [200: "User"]),
    ]
}

extension APIKeysController {
    static let openAPI: [APIOperation] = [
        APIOperation(method: .post, path: "/api/v1/keys", summary: "Create an API key (shown once)", tag: "keys",
                     request: "CreateAPIKey", responses: [201: "CreatedAPIKey"]),
        APIOperation(method: .get, path: "/api/v1/keys", summary: "List API keys (prefixes only)", tag: "keys", request: nil,
                     responses: [200: "APIKeyList"]),
        APIOperation(method: .delete, path: "/api/v1/keys/{keyID}", summary: "Revoke an API key", tag: "keys", request: nil,
                     responses: [204: nil]),
    ]
}

extension CardsController {
    static let openAPI: [APIOperation] = [
        APIOperation(method: .post, path: "/api/v1/cards", summary: "Create a card", tag: "cards", request: "CreateCard",
                     responses: [201: "Card"]),
        APIOperation(method: .get, path: "/api/v1/cards", summary: "List cards (q: full-text search, tag: filter)", tag: "cards",
                     request: nil, responses: [200: "CardList"]),
        APIOperation(method: .get, path: "/api/v1/cards/{cardID}",
                     summary: "Get a card (ETag: its version; If-None-Match answers 304 when unchanged)", tag: "cards",
                     request: nil, responses: [200: "Card", 304: nil]),
        APIOperation(method: .patch, path: "/api/v1/cards/{cardID}", summary: "Change a card (If-Match), creating a version",
                     tag: "cards", request: "UpdateCard", responses: [200: "Card", 412: "Problem"]),
        APIOperation(method: .delete, path: "/api/v1/cards/{cardID}", summary: "Delete a card", tag: "cards", request: nil,
                     responses: [204: nil]),
        APIOperation(method: .get, path: "/api/v1/cards/{cardID}/versions", summary: "A card's versions, newest first",
                     tag: "cards", request: nil, responses: [200: "CardVersionList"]),
        APIOperation(method: .get, path: "/api/v1/cards/{cardID}/versions/{version}", summary: "One version of a card",
                     tag: "cards", request: nil, responses: [200: "CardVersion"]),
    ]
}

extension TestCasesController {
    static let openAPI: [APIOperation] = [
        APIOperation(method: .post, path: "/api/v1/cards/{cardID}/tests", summary: "Add a test case", tag: "tests",
                     request: "TestCaseInput", responses: [201: "TestCase"]),
        APIOperation(method: .post, path: "/api/v1/cards/{cardID}/tests/bulk", summary: "Add many test cases (all or none)",
                     tag: "tests", request: "BulkTestCases", responses: [201: "TestCaseList"]),
        APIOperation(method: .get, path: "/api/v1/cards/{cardID}/tests", summary: "List a card's test cases", tag: "tests",
                     request: nil, responses: [200: "TestCaseList"]),
        APIOperation(method: .get, path: "/api/v1/cards/{cardID}/tests/{testID}", summary: "Get a test case", tag: "tests",
                     request: nil, responses: [200: "TestCase"]),
        APIOperation(method: .put, path: "/api/v1/cards/{cardID}/tests/{testID}", summary: "Replace a test case", tag: "tests",
                     request: "TestCaseInput", responses: [200: "TestCase"]),
        APIOperation(method: .delete, path: "/api/v1/cards/{cardID}/tests/{testID}", summary: "Delete a test case", tag: "tests",
                     request: nil, responses: [204: nil]),
    ]
}

extension RunsController {
    static let openAPI: [APIOperation] = [
        APIOperation(method: .post, path: "/api/v1/cards/{cardID}/runs",
                     summary: "Start a run (Idempotency-Key makes a retried POST return the same run)", tag: "runs",
                     request: "CreateRun", responses: [202: "Run", 422: "Problem", 429: "Problem", 503: "Problem"]),
        APIOperation(method: .get, path: "/api/v1/cards/{cardID}/runs", summary: "A card's runs", tag: "runs", request: nil,
                     responses: [200: "RunList"]),
        APIOperation(method: .get, path: "/api/v1/runs", summary: "List runs (card_id, status, model, from, to)", tag: "runs",
                     request: nil, responses: [200: "RunList"]),
        APIOperation(method: .get, path: "/api/v1/runs/{runID}", summary: "Get a run", tag: "runs", request: nil,
                     responses: [200: "Run"]),
        APIOperation(method: .delete, path: "/api/v1/runs/{runID}", summary: "Delete a run and its results", tag: "runs",
                     request: nil, responses: [204: nil]),
        APIOperation(method: .get, path: "/api/v1/runs/{runID}/results", summary: "A run's results (pass filters)", tag: "runs",
                     request: nil, responses: [200: "RunResultList"]),
        APIOperation(method: .post, path: "/api/v1/runs/{runID}/cancel", summary: "Cancel a run", tag: "runs", request: nil,
                     responses: [200: "Run", 409: "Problem"]),
    ]
}

extension AnalyticsController {
    static let openAPI: [APIOperation] = [
        APIOperation(method: .get, path: "/api/v1/analytics/models", summary: "Per-model statistics over a window",
                     tag: "analytics", request: nil, responses: [200: "AnalyticsReport"]),
        APIOperation(method: .get, path: "/api/v1/analytics/cards/{cardID}", summary: "A card's per-model statistics",
                     tag: "analytics", request: nil, responses: [200: "AnalyticsReport"]),
    ]
}

extension PromptfooController {
    static let openAPI: [APIOperation] = [
        APIOperation(method: .post, path: "/api/v1/import/promptfoo", summary: "Import a promptfoo config (YAML or JSON)",
                     tag: "promptfoo", request: nil, responses: [201: "ImportReport", 413: "Problem", 422: "Problem"]),
        APIOperation(method: .get, path: "/api/v1/cards/{cardID}/export", summary: "Export a card as a promptfoo config",
                     tag: "promptfoo", request: nil, responses: [200: nil], responseMediaType: "application/yaml"),
    ]
}

extension AssertionsController {
    static let openAPI: [APIOperation] = [
        APIOperation(method: .post, path: "/api/v1/assertions/evaluate",
                     summary: "Evaluate assertions against a given output (the result shape a run stores)", tag: "assertions",
                     request: "EvaluateAssertions", responses: [200: "GradingResult", 413: "Problem", 422: "Problem"]),
    ]
}

extension JobsController {
    static let openAPI: [APIOperation] = [
        APIOperation(method: .get, path: "/api/v1/jobs/{jobID}", summary: "A job's state, result and errors (its owner's or an admin's)",
                     tag: "jobs", request: nil, responses: [200: "Job"]),
        APIOperation(method: .post, path: "/api/v1/jobs/{jobID}/cancel",
                     summary: "Cancel a job: 200 when it was waiting, 202 when its worker is told to stop", tag: "jobs",
                     request: nil, responses: [200: "Job", 202: "Job", 409: "Problem"]),
        APIOperation(method: .post, path: "/api/v1/jobs/{jobID}/retry", summary: "Re-queue a dead or cancelled job", tag: "jobs",
                     request: nil, responses: [202: "Job", 409: "Problem"]),
        APIOperation(method: .get, path: "/api/v1/queues", summary: "Every queue's depth", tag: "jobs", request: nil,
                     responses: [200: "QueueList"]),
        APIOperation(method: .get, path: "/api/v1/queues/{name}", summary: "A queue's depth", tag: "jobs", request: nil,
                     responses: [200: "Queue"]),
    ]
}

extension WebhooksController {
    static let openAPI: [APIOperation] = [
        APIOperation(method: .get, path: "/api/v1/webhooks/secret",
                     summary: "The caller's webhook signing secret (made on first read)", tag: "webhooks", request: nil,
                     responses: [200: "WebhookSecret"]),
        APIOperation(method: .post, path: "/api/v1/webhooks/secret/rotate",
                     summary: "Replace the caller's webhook signing secret", tag: "webhooks", request: nil,
                     responses: [200: "WebhookSecret"]),
    ]
}
