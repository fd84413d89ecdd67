import JSONSchema

/// `is-valid-openai-tools-call`: the output is OpenAI tool calls — a JSON array of
/// `{type: "function", function: {name, arguments}}`, or an object with such a `tool_calls`
/// array (an assistant message) — and every call names one of the tools and passes arguments
/// valid against that tool's `parameters` JSON Schema.
///
/// promptfoo takes the tools from the provider's configuration; here they are the value (or
/// `config.tools`): an array of OpenAI tool definitions
/// `{type: "function", function: {name, description?, parameters?}}`.
public struct OpenAIToolsCallEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "is-valid-openai-tools-call" }

    /// A tool's name and its compiled parameter schema (nil: any arguments object).
    struct Tool {
        let name: String
        let parameters: JSONSchema?
    }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        validate(assertion, limits: .standard)
    }

    public func validate(_ assertion: Assertion, limits: AssertionLimits) -> [AssertionIssue] {
        if case .failure(let issue) = Self.tools(assertion, steps: limits.schemaSteps) { [issue] } else { [] }
    }

    static func tools(_ assertion: Assertion,
                      steps: Budget = BudgetCatalog.schemaSteps.standard) -> Result<[Tool], AssertionIssue> {
        let (list, field): (JSONValue?, String) = assertion.value != nil ? (assertion.value, "value") : (assertion.config?["tools"], "config.tools")
        guard let definitions = list?.arrayValue, !definitions.isEmpty else {
            return .failure(AssertionIssue(field: "value", reason: "value (or config.tools) must be the array of OpenAI tool definitions the calls are checked against"))
        }
        var tools: [Tool] = []
        for (i, definition) in definitions.enumerated() {
            let function = definition["function"] ?? definition
            guard let name = function["name"]?.stringValue, !name.isEmpty else {
                return .failure(AssertionIssue(field: "\(field)[\(i)].function.name", reason: "each tool needs a function name"))
            }
            var parameters: JSONSchema?
            if let schema = function["parameters"] {
                switch Assertion.compileSchema(schema, field: "\(field)[\(i)].function.parameters", steps: steps) {
                case .failure(let issue): return .failure(issue)
                case .success(let compiled): parameters = compiled
                }
            }
            tools.append(Tool(name: name, parameters: parameters))
        }
        return .success(tools)
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        let tools: [Tool]
        switch Self.tools(assertion, steps: context.meter.schemaSteps) {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let list): tools = list
        }
        let expectation = "be tool calls valid for the tools \(tools.map(\.name).joined(separator: ", "))"
        guard let parsed = try? JSONParser.parse(output) else {
            return .binary(false, expectation: "\(expectation); it is not JSON")
        }
        let calls = parsed["tool_calls"]?.arrayValue ?? parsed.arrayValue ?? []
        guard !calls.isEmpty else {
            return .binary(false, expectation: "\(expectation); it is not a non-empty array of tool calls")
        }
        for (i, call) in calls.enumerated() {
            guard let function = call["function"], let name = function["name"]?.stringValue else {
                return .binary(false, expectation: "\(expectation); call \(i) has no function name")
            }
            guard let tool = tools.first(where: { $0.name == name }) else {
                return .binary(false, expectation: "\(expectation); call \(i) calls \(quoted(name)), which is not one of them")
            }
            let arguments: JSONValue
            switch function["arguments"] {
            case .string(let text)?:
                guard let value = try? JSONParser.parse(text) else {
                    return .binary(false, expectation: "\(expectation); the arguments of \(quoted(name)) are not JSON")
                }
                arguments = value
            case .object(let members)?:
                arguments = .object(members)
            default:
                return .binary(false, expectation: "\(expectation); call \(i) to \(quoted(name)) has no arguments")
            }
            let problems: String?
            do {
                problems = try tool.parameters?.problems(of: arguments, meter: context.meter)
            } catch {
                return .error("\(assertion.type): \(error.reason)")
            }
            if let problems {
                return .binary(false, expectation: "\(expectation); the arguments of \(quoted(name)) do not match its parameters: \(problems)")
            }
        }
        return .binary(true, expectation: expectation)
    }
}
