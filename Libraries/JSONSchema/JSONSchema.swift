import JSONCore

/// A JSON Schema, checked and indexed once, that validates instances (`JSONValue`s).
///
/// Supports draft 2020-12 and draft-07: every validation keyword (`type`, `enum`, `const`,
/// the numeric, string, array and object limits, `pattern`, `required`, `dependentRequired`
/// / `dependencies`, `uniqueItems`, `format` when asked), the applicators (`properties`,
/// `patternProperties`, `additionalProperties`, `propertyNames`, `items`, `prefixItems`,
/// `additionalItems`, `contains` with `minContains`/`maxContains`, `allOf`, `anyOf`, `oneOf`,
/// `not`, `if`/`then`/`else`, `dependentSchemas`, `unevaluatedProperties`,
/// `unevaluatedItems`), boolean schemas, and `$ref` to anything inside the schema (JSON
/// pointers, `$defs`/`definitions`, `$id`-named resources, `$anchor`s). Not supported:
/// `$dynamicRef`/`$recursiveRef` (refused at compile time), references to other documents
/// (remote URLs, the meta-schemas: refused at compile time), and custom vocabularies.
///
/// Validation never hangs: patterns are matched under a time limit and `$ref` chains and
/// instance nesting are bounded.
public struct JSONSchema: Sendable {
    /// The dialect a schema is read in.
    public enum Draft: String, Sendable, CaseIterable {
        case draft7 = "draft-07"
        case draft2020_12 = "2020-12"

        /// The draft a `$schema` URI names, if it is one this validator knows
        /// (draft-04 and -06 read as draft-07, 2019-09 as 2020-12).
        public init?(schemaURI: String) {
            if schemaURI.contains("draft-07") || schemaURI.contains("draft-06") || schemaURI.contains("draft-04") {
                self = .draft7
            } else if schemaURI.contains("2020-12") || schemaURI.contains("2019-09") {
                self = .draft2020_12
            } else {
                return nil
            }
        }
    }

    /// How a schema is compiled and applied.
    public struct Options: Sendable {
        /// The draft when the schema has no (known) `$schema`.
        public var defaultDraft: Draft
        /// Whether `format` is checked (for the formats `FormatChecker` knows) or only an
        /// annotation, as both drafts say by default.
        public var assertFormats: Bool
        /// How long one `pattern` match may take.
        public var patternTimeLimit: Duration

        public init(defaultDraft: Draft = .draft2020_12, assertFormats: Bool = false,
                    patternTimeLimit: Duration = .milliseconds(250)) {
            self.defaultDraft = defaultDraft
            self.assertFormats = assertFormats
            self.patternTimeLimit = patternTimeLimit
        }
    }

    /// The schema as given.
    public let schema: JSONValue
    /// The draft it is read in.
    public let draft: Draft
    public let options: Options
    let index: SchemaIndex

    /// Checks and indexes `schema`; throws when it cannot be used (see `SchemaError`).
    public init(_ schema: JSONValue, options: Options = Options()) throws(SchemaError) {
        self.schema = schema
        self.options = options
        if case .object(let members) = schema, let uri = members["$schema"]?.stringValue, let named = Draft(schemaURI: uri) {
            draft = named
        } else {
            draft = options.defaultDraft
        }
        index = try SchemaIndex(root: schema, draft: draft)
    }

    /// The ways `instance` fails the schema, at most `maxErrors` of them; empty when it is valid.
    public func validate(_ instance: JSONValue, maxErrors: Int = 10) -> [ValidationError] {
        var evaluator = SchemaEvaluator(index: index, options: options, maxErrors: max(1, maxErrors))
        let valid = evaluator.evaluate(instance, schema, outerBase: SchemaIndex.defaultBase) != nil
        if !valid && evaluator.errors.isEmpty {
            return [ValidationError(instancePath: "", keywordPath: "", message: "does not match the schema")]
        }
        return valid ? [] : evaluator.errors
    }

    /// Whether `instance` is valid (stops at the first error).
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluator = SchemaEvaluator(index: index, options: options, maxErrors: 1)
        evaluator.recording = false
        return evaluator.evaluate(instance, schema, outerBase: SchemaIndex.defaultBase) != nil
    }
}
