import Foundation
import PromptCards

/// Plans the cards and test cases a promptfoo config (YAML or JSON) describes: one card
/// per representable prompt, each with every test (`defaultTest` merged in), the
/// providers as default models. What cannot be represented — `file://` and other external
/// references, JavaScript/Python and other unknown assertion types, transforms, per-test
/// options — is reported per item with its path, never silently dropped.
///
/// A config over one of `limits` is refused as a whole with a `PromptfooError` naming the
/// budget: too big, too many nodes once aliases are expanded, nested too deep, or more tests
/// than `limits.tests` (cards × tests, every list-valued var's combinations counted before any
/// is expanded).
public enum PromptfooImporter {
    public static func plan(_ text: String, engine: AssertionEngine = .standard,
                            limits: ImportLimits = .standard) throws(PromptfooError) -> ImportPlan {
        guard case .object(let root) = try YAMLDocument.parse(text, limits: limits) else {
            throw PromptfooError(reason: "a promptfoo config must be a mapping with prompts and tests")
        }
        var context = Context(root: root, engine: engine)
        let models = context.providers(root["providers"])
        let prompts = context.prompts(root["prompts"])
        let planned: (tests: [TestCaseContent], paths: [String])
        do {
            planned = try context.tests(root["tests"], defaults: root["defaultTest"], copies: max(1, prompts.count),
                                        budget: limits.tests)
        } catch {
            throw PromptfooError(error)
        }
        let description = root["description"]?.stringValue ?? ""
        var cards: [PlannedCard] = []
        for (index, prompt) in prompts.enumerated() {
            let title = prompt.label ?? (description.isEmpty ? "Prompt \(index + 1)" : description)
            cards.append(PlannedCard(title: String(title.prefix(200)), description: description, template: prompt.template,
                                     tags: ["promptfoo"], defaultModels: models, tests: planned.tests,
                                     testPaths: planned.paths))
        }
        return ImportPlan(cards: cards, issues: context.issues)
    }

    struct Prompt {
        var template: String
        var label: String?
    }

    /// The walk over one config, collecting issues as it goes.
    struct Context {
        let root: [String: JSONValue]
        let engine: AssertionEngine
        var issues: [ImportIssue] = []

        mutating func report(_ path: String, _ reason: String) {
            issues.append(ImportIssue(path: path, reason: reason))
        }

        static func isExternal(_ text: String) -> Bool {
            ["file://", "huggingface://", "https://", "http://", "package:", "python:", "javascript:"].contains { text.hasPrefix($0) }
        }

        mutating func prompts(_ value: JSONValue?) -> [Prompt] {
            var prompts: [Prompt] = []
            func add(_ raw: String, label: String?, path: String) {
                if Self.isExternal(raw) {
                    report(path, "prompt \(raw) is an external reference; paste the prompt text to import it")
                } else {
                    do {
                        _ = try PromptTemplate(raw)
                        prompts.append(Prompt(template: raw, label: label))
                    } catch {
                        report(path, "prompt uses template syntax the suite does not support: \(error)")
                    }
                }
            }
            switch value {
            case .string(let raw)?:
                add(raw, label: nil, path: "prompts")
            case .array(let items)?:
                for (index, item) in items.enumerated() {
                    let path = "prompts[\(index)]"
                    switch item {
                    case .string(let raw): add(raw, label: nil, path: path)
                    case .object(let object):
                        let label = object["label"]?.stringValue ?? object["id"]?.stringValue
                        if let raw = object["raw"]?.stringValue {
                            add(raw, label: object["label"]?.stringValue, path: path)
                        } else if let id = object["id"]?.stringValue {
                            add(id, label: label, path: path)
                        } else {
                            report(path, "a prompt object needs raw or id")
                        }
                        if object["config"] != nil { report(path + ".config", "per-prompt provider config is not supported") }
                    default: report(path, "a prompt must be a string or an object")
                    }
                }
            case .object(let map)?:
                for key in map.keys.sorted() {
                    add(key, label: map[key]?.stringValue, path: "prompts.\(key)")
                }
            case nil:
                report("prompts", "the config has no prompts")
            default:
                report("prompts", "prompts must be a string, a list or a mapping")
            }
            return prompts
        }

        mutating func providers(_ value: JSONValue?) -> [String] {
            var models: [String] = []
            let items: [(String, JSONValue)]
            switch value {
            case .string(let id)?: items = [("providers", .string(id))]
            case .array(let list)?: items = list.enumerated().map { ("providers[\($0.offset)]", $0.element) }
            case .object(let map)?: items = map.keys.sorted().map { ("providers.\($0)", .string($0)) }
            default: items = []
            }
            for (path, item) in items {
                switch item {
                case .string(let id): models.append(ProviderNames.modelName(fromPromptfoo: id))
                case .object(let object):
                    if let id = object["id"]?.stringValue {
                        models.append(ProviderNames.modelName(fromPromptfoo: id))
                        if object["config"] != nil { report(path + ".config", "provider config is not kept (the suite configures models in llm-proxy)") }
                    } else {
                        report(path, "a provider object needs an id")
                    }
                default: report(path, "a provider must be a string or an object")
                }
            }
            var seen = Set<String>()
            return models.filter { seen.insert($0).inserted }
        }

        /// The tests and the config path of each. Each is planned `copies` times (once per card);
        /// `budget` caps the total, counted before list-valued vars are expanded.
        mutating func tests(_ value: JSONValue?, defaults: JSONValue?, copies: Int,
                            budget: Budget) throws(BudgetExceeded) -> (tests: [TestCaseContent], paths: [String]) {
            let base = defaults.flatMap { testParts($0, path: "defaultTest") }
                ?? TestCaseContent(description: "", vars: [:], assert: [], threshold: nil)
            switch value {
            case .array(let items)?:
                var tests: [TestCaseContent] = []
                var paths: [String] = []
                var planned = 0
                for (index, item) in items.enumerated() {
                    let path = "tests[\(index)]"
                    if case .string(let reference) = item {
                        report(path, "tests from \(reference) are an external reference; inline them to import")
                        continue
                    }
                    guard var test = testParts(item, path: path) else { continue }
                    test.vars = base.vars.merging(test.vars) { _, own in own }
                    test.assert = base.assert + test.assert
                    test.threshold = test.threshold ?? base.threshold
                    planned = Self.saturatingAdd(planned, Self.saturatingProduct([Self.combinations(of: test), copies]))
                    try budget.check(planned, "the number of test cases this import would create (each card's tests, "
                        + "with every combination of list-valued vars)", field: path)
                    let expanded = expand(test, path: path)
                    tests += expanded
                    paths += Array(repeating: path, count: expanded.count)
                }
                return (tests, paths)
            case .string(let reference)?:
                report("tests", "tests from \(reference) are an external reference; inline them to import")
            case nil:
                break
            default:
                report("tests", "tests must be a list")
            }
            return ([], [])
        }

        /// The list-valued vars `expand` multiplies out: non-empty arrays of scalars and arrays.
        static func listValues(_ value: JSONValue) -> [JSONValue]? {
            guard case .array(let values) = value, !values.isEmpty,
                  values.allSatisfy({ if case .object = $0 { return false } else { return true } })
            else { return nil }
            return values
        }

        /// How many tests `expand` makes of `test`, worked out without making them (saturating).
        static func combinations(of test: TestCaseContent) -> Int {
            saturatingProduct(test.vars.values.compactMap { listValues($0)?.count })
        }

        static func saturatingProduct(_ factors: [Int]) -> Int {
            factors.reduce(1) { product, factor in
                let (result, overflow) = product.multipliedReportingOverflow(by: factor)
                return overflow ? Int.max : result
            }
        }

        static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
            let (result, overflow) = a.addingReportingOverflow(b)
            return overflow ? Int.max : result
        }

        /// promptfoo runs a test once per value of each list-valued variable (all combinations).
        /// Callers count the combinations first (`combinations(of:)`) and stay within their budget.
        func expand(_ test: TestCaseContent, path: String) -> [TestCaseContent] {
            var expanded = [test]
            for key in test.vars.keys.sorted() {
                guard let values = Self.listValues(test.vars[key]!) else { continue }
                expanded = expanded.flatMap { partial in
                    values.map { value in
                        var copy = partial
                        copy.vars[key] = value
                        return copy
                    }
                }
            }
            return expanded
        }

        mutating func testParts(_ value: JSONValue, path: String) -> TestCaseContent? {
            guard case .object(let object) = value else {
                report(path, "a test must be a mapping")
                return nil
            }
            var vars: [String: JSONValue] = [:]
            if let raw = object["vars"] {
                guard case .object(let given) = raw else {
                    report(path + ".vars", "vars must be a mapping (a file of vars is an external reference)")
                    return nil
                }
                for (name, value) in given {
                    if let text = value.stringValue, Self.isExternal(text) {
                        report("\(path).vars.\(name)", "the value \(text) is an external reference; the test is left out")
                        return nil
                    }
                    vars[name] = value
                }
            }
            for unsupported in ["options", "provider", "assertScoringFunction", "storeOutputAs", "metadata"] where object[unsupported] != nil {
                report("\(path).\(unsupported)", "\(unsupported) is not supported and was left out")
            }
            var threshold: Double?
            if let raw = object["threshold"] {
                if let number = raw.doubleValue { threshold = number } else { report(path + ".threshold", "threshold must be a number") }
            }
            return TestCaseContent(description: object["description"]?.stringValue ?? "", vars: vars,
                               assert: assertions(object["assert"], path: path + ".assert"), threshold: threshold)
        }

        mutating func assertions(_ value: JSONValue?, path: String) -> [Assertion] {
            guard let value else { return [] }
            guard case .array(let items) = value else {
                report(path, "assert must be a list")
                return []
            }
            var result: [Assertion] = []
            for (index, item) in items.enumerated() {
                let itemPath = "\(path)[\(index)]"
                guard var object = resolveReference(item, path: itemPath)?.objectValue else { continue }
                for field in ["transform", "rubricPrompt", "contextTransform"] where object[field] != nil {
                    report("\(itemPath).\(field)", "\(field) is not supported; the assertion is left out")
                    object["type"] = nil
                }
                guard let type = object["type"]?.stringValue else { continue }
                let base = type.hasPrefix("not-") ? String(type.dropFirst(4)) : type
                if ["javascript", "python", "webhook", "ruby"].contains(base) {
                    report(itemPath, "\(type) assertions run user code, which the suite does not do; the assertion is left out")
                    continue
                }
                if let text = object["value"]?.stringValue, Self.isExternal(text) {
                    report(itemPath, "the value \(text) is an external reference; the assertion is left out")
                    continue
                }
                guard let assertion = try? JSONDecoder().decode(Assertion.self, from: Data(JSONValue.object(object).jsonText.utf8)) else {
                    report(itemPath, "not an assertion the suite can read")
                    continue
                }
                let problems = engine.validate([assertion], fieldPrefix: itemPath)
                if let problem = problems.first {
                    report(problem.field.replacingOccurrences(of: "\(itemPath)[0]", with: itemPath), problem.reason + "; the assertion is left out")
                    continue
                }
                result.append(assertion)
            }
            return result
        }

        /// `$ref: '#/assertionTemplates/name'` points into the config itself.
        mutating func resolveReference(_ item: JSONValue, path: String) -> JSONValue? {
            guard case .object(let object) = item, let reference = object["$ref"]?.stringValue else { return item }
            guard reference.hasPrefix("#/") else {
                report(path, "$ref \(reference) is an external reference; the assertion is left out")
                return nil
            }
            let segments = reference.dropFirst(2).split(separator: "/").map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
            guard let target = JSONValue.object(root).value(at: segments) else {
                report(path, "$ref \(reference) points at nothing in the config")
                return nil
            }
            return target
        }
    }
}
