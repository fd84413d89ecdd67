import JSONCore

/// Which keywords hold subschemas, per draft: the schema walk follows exactly these, so that a
/// `$id` inside an `enum` value or an unknown keyword is never taken for a real identifier.
enum SchemaKeywords {
    /// Keywords whose value is one schema.
    static func singleSchema(_ draft: JSONSchema.Draft) -> Set<String> {
        switch draft {
        case .draft7:
            ["additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else"]
        case .draft2020_12:
            ["additionalProperties", "contains", "propertyNames", "not", "if", "then", "else", "items",
             "unevaluatedProperties", "unevaluatedItems", "contentSchema"]
        }
    }

    /// Keywords whose value is an object of schemas.
    static func schemaMaps(_ draft: JSONSchema.Draft) -> Set<String> {
        switch draft {
        case .draft7: ["properties", "patternProperties", "definitions", "dependencies"]
        case .draft2020_12: ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]
        }
    }

    /// Keywords whose value is a non-empty array of schemas.
    static func schemaArrays(_ draft: JSONSchema.Draft) -> Set<String> {
        switch draft {
        case .draft7: ["allOf", "anyOf", "oneOf"]
        case .draft2020_12: ["allOf", "anyOf", "oneOf", "prefixItems"]
        }
    }

    /// The type names `type` accepts.
    static let typeNames: Set<String> = ["null", "boolean", "object", "array", "number", "string", "integer"]

    /// Keywords this validator recognises but does not implement; a schema using them is
    /// refused rather than silently half-checked.
    static let unsupported: Set<String> = ["$dynamicRef", "$recursiveRef"]

    /// Checks the shape of one keyword's value (subschemas themselves are checked by the walk).
    /// Unknown keywords are allowed and ignored, as the specification says.
    static func problem(keyword: String, value: JSONValue, draft: JSONSchema.Draft) -> String? {
        switch keyword {
        case "type":
            switch value {
            case .string(let name):
                return typeNames.contains(name) ? nil : "unknown type \"\(name)\" (use \(typeNames.sorted().joined(separator: ", ")))"
            case .array(let names):
                guard names.allSatisfy({ $0.stringValue.map(typeNames.contains) == true }) else {
                    return "must be a type name or an array of type names"
                }
                return Set(names).count == names.count ? nil : "must not repeat a type"
            default:
                return "must be a type name or an array of type names"
            }
        case "enum":
            return value.arrayValue == nil ? "must be an array" : nil
        case "multipleOf":
            guard let number = value.doubleValue, number > 0, number.isFinite else { return "must be a number greater than 0" }
            return nil
        case "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum":
            return value.doubleValue == nil ? "must be a number" : nil
        case "maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties", "maxContains", "minContains":
            guard let number = value.doubleValue, number >= 0, number.rounded() == number else {
                return "must be a non-negative integer"
            }
            return nil
        case "pattern":
            guard let pattern = value.stringValue else { return "must be a string" }
            return BoundedPattern(pattern) == nil ? "invalid regular expression \"\(pattern)\"" : nil
        case "required":
            guard let names = value.arrayValue, names.allSatisfy({ $0.stringValue != nil }) else {
                return "must be an array of property names"
            }
            return nil
        case "dependentRequired":
            guard let map = value.objectValue,
                  map.values.allSatisfy({ $0.arrayValue?.allSatisfy({ $0.stringValue != nil }) == true })
            else { return "must be an object of arrays of property names" }
            return nil
        case "uniqueItems":
            return value.boolValue == nil ? "must be a boolean" : nil
        case "$ref", "$id", "$schema", "format", "$anchor", "$dynamicAnchor", "$comment":
            return value.stringValue == nil ? "must be a string" : nil
        default:
            return nil
        }
    }
}
