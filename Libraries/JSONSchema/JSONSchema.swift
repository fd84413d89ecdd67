import Budgets
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
/// Neither compiling nor validating can run away: compiling counts its index entries against
/// `Options.compileSteps`, validation counts every subschema evaluation and pattern search
/// against the `WorkMeter` it is given (which also bounds regex time), and `$ref` chains and
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
        /// The work compiling may take (`MAX_SCHEMA_STEPS`): one step per index entry and per
        /// 64 bytes of its key, since a schema nested in many `$id` resources registers each
        /// subschema once per enclosing resource.
        public var compileSteps: Budget

        public init(defaultDraft: Draft = .draft2020_12, assertFormats: Bool = false,
                    compileSteps: Budget = BudgetCatalog.schemaSteps.standard) {
            self.defaultDraft = defaultDraft
            self.assertFormats = assertFormats
            self.compileSteps = compileSteps
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
        index = try SchemaIndex(root: schema, draft: draft, steps: options.compileSteps)
    }

    /// The ways `instance` fails the schema, at most `maxErrors` of them; empty when it is valid.
    /// Every subschema evaluated and every pattern searched is charged to `meter`; throws when
    /// its schema steps or regex time run out, since the answer would then be a guess. Without
    /// a meter, the validation gets one of its own at the catalog's defaults.
    public func validate(_ instance: JSONValue, maxErrors: Int = 10,
                         meter: WorkMeter = .standard()) throws(BudgetExceeded) -> [ValidationError] {
        var evaluator = SchemaEvaluator(index: index, options: options, maxErrors: max(1, maxErrors), meter: meter)
        let valid = evaluator.evaluate(instance, schema, outerBase: SchemaIndex.defaultBase) != nil
        if let exceeded = evaluator.exceeded { throw exceeded }
        if !valid && evaluator.errors.isEmpty {
            return [ValidationError(instancePath: "", keywordPath: "", message: "does not match the schema")]
        }
        return valid ? [] : evaluator.errors
    }

    /// Whether `instance` is valid (stops at the first error); throws as `validate` does.
    public func isValid(_ instance: JSONValue, meter: WorkMeter = .standard()) throws(BudgetExceeded) -> Bool {
        var evaluator = SchemaEvaluator(index: index, options: options, maxErrors: 1, meter: meter)
        evaluator.recording = false
        let valid = evaluator.evaluate(instance, schema, outerBase: SchemaIndex.defaultBase) != nil
        if let exceeded = evaluator.exceeded { throw exceeded }
        return valid
    }
}
