import JSONCore

/// The keywords that look at one kind of instance: any (`type`, `enum`, `const`), numbers,
/// strings, arrays and objects.
extension SchemaEvaluator {
    mutating func checkGeneric(_ instance: JSONValue, _ s: [String: JSONValue]) -> Bool {
        var valid = true
        if let type = s["type"] {
            let names = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
            if !names.contains(where: { Self.has(instance, type: $0) }) {
                fail("type", "must be \(names.joined(separator: " or "))")
                valid = false
                if stopsAtFirstFailure { return false }
            }
        }
        if let allowed = s["enum"]?.arrayValue, !allowed.contains(instance) {
            fail("enum", "must be equal to one of the allowed values")
            valid = false
            if stopsAtFirstFailure { return false }
        }
        if let constant = s["const"], constant != instance {
            fail("const", "must be equal to the constant \(Self.short(constant))")
            valid = false
        }
        return valid
    }

    static func has(_ instance: JSONValue, type: String) -> Bool {
        switch (type, instance) {
        case ("null", .null), ("boolean", .bool), ("object", .object), ("array", .array), ("number", .number), ("string", .string):
            true
        case ("integer", .number(let d)):
            d.isFinite && d.rounded(.towardZero) == d
        default:
            false
        }
    }

    mutating func checkNumber(_ number: Double, _ s: [String: JSONValue]) -> Bool {
        var valid = true
        func check(_ keyword: String, _ ok: (Double) -> Bool, _ message: (String) -> String) -> Bool {
            guard let limit = s[keyword]?.doubleValue, !ok(limit) else { return true }
            fail(keyword, message(JSONValue.numberText(limit)))
            return false
        }
        if let divisor = s["multipleOf"]?.doubleValue, !Self.isMultiple(number, of: divisor) {
            fail("multipleOf", "must be a multiple of \(JSONValue.numberText(divisor))")
            valid = false
            if stopsAtFirstFailure { return false }
        }
        for (keyword, ok, message) in [
            ("maximum", { number <= $0 }, { "must be <= \($0)" }),
            ("exclusiveMaximum", { number < $0 }, { "must be < \($0)" }),
            ("minimum", { number >= $0 }, { "must be >= \($0)" }),
            ("exclusiveMinimum", { number > $0 }, { "must be > \($0)" }),
        ] as [(String, (Double) -> Bool, (String) -> String)] {
            if !check(keyword, ok, message) {
                valid = false
                if stopsAtFirstFailure { return false }
            }
        }
        return valid
    }

    /// Whether `value / divisor` is an integer, allowing for the rounding of binary fractions
    /// (0.0075 is a multiple of 0.0001 although 0.0075 / 0.0001 is 74.99999999999999).
    static func isMultiple(_ value: Double, of divisor: Double) -> Bool {
        let quotient = value / divisor
        guard quotient.isFinite else { return false }
        let nearest = quotient.rounded()
        return quotient == nearest || abs(quotient - nearest) <= 1e-9 * max(1, abs(quotient))
    }

    mutating func checkString(_ text: String, _ s: [String: JSONValue]) -> Bool {
        var valid = true
        let needsLength = s["maxLength"] != nil || s["minLength"] != nil
        let length = needsLength ? text.unicodeScalars.count : 0
        if let limit = s["maxLength"]?.doubleValue, Double(length) > limit {
            fail("maxLength", "must NOT have more than \(JSONValue.numberText(limit)) characters")
            valid = false
            if stopsAtFirstFailure { return false }
        }
        if let limit = s["minLength"]?.doubleValue, Double(length) < limit {
            fail("minLength", "must NOT have fewer than \(JSONValue.numberText(limit)) characters")
            valid = false
            if stopsAtFirstFailure { return false }
        }
        if let pattern = s["pattern"]?.stringValue, let compiled = index.patterns[pattern] {
            switch search(compiled, in: text) {
            case .matched?: break
            case .notMatched?:
                fail("pattern", "must match pattern \"\(pattern)\"")
                valid = false
            case .timedOut(let exceeded)?:
                fail("pattern", "could not be checked against pattern \"\(pattern)\": matching timed out "
                    + "after \(exceeded.budget.limit) ms of CPU time (\(exceeded.budget.name))")
                valid = false
            case .overBudget?, nil:
                return false
            }
            if !valid && stopsAtFirstFailure { return false }
        }
        if options.assertFormats, let format = s["format"]?.stringValue, let ok = FormatChecker.check(text, format: format), !ok {
            fail("format", "must match format \"\(format)\"")
            valid = false
        }
        return valid
    }

    mutating func checkArray(_ elements: [JSONValue], _ s: [String: JSONValue], base: String,
                             into annotations: inout Annotations) -> Bool {
        var valid = true
        func failed() -> Bool {
            valid = false
            return stopsAtFirstFailure
        }
        if let limit = s["maxItems"]?.doubleValue, Double(elements.count) > limit {
            fail("maxItems", "must NOT have more than \(JSONValue.numberText(limit)) items")
            if failed() { return false }
        }
        if let limit = s["minItems"]?.doubleValue, Double(elements.count) < limit {
            fail("minItems", "must NOT have fewer than \(JSONValue.numberText(limit)) items")
            if failed() { return false }
        }
        if s["uniqueItems"]?.boolValue == true {
            var seen: [JSONValue: Int] = [:]
            for (i, element) in elements.enumerated() {
                if let first = seen[element] {
                    fail("uniqueItems", "must NOT have duplicate items (items #\(first) and #\(i) are identical)")
                    if failed() { return false }
                    break
                }
                seen[element] = i
            }
        }

        // Positional items: `prefixItems` + `items` (2020-12), or `items` array + `additionalItems` (draft-07).
        var tuple: [JSONValue] = []
        var tupleKeyword = ""
        var rest: (keyword: String, schema: JSONValue)?
        switch draft {
        case .draft2020_12:
            if let prefix = s["prefixItems"]?.arrayValue { tuple = prefix; tupleKeyword = "prefixItems" }
            if let items = s["items"] { rest = ("items", items) }
        case .draft7:
            if let items = s["items"] {
                if let array = items.arrayValue {
                    tuple = array
                    tupleKeyword = "items"
                    if let additional = s["additionalItems"] { rest = ("additionalItems", additional) }
                } else {
                    rest = ("items", items)
                }
            }
        }
        for (i, element) in elements.prefix(tuple.count).enumerated() {
            if evaluate(element, tuple[i], outerBase: base, keywords: [tupleKeyword, String(i)], instanceStep: String(i)) == nil {
                if failed() { return false }
            }
        }
        annotations.itemPrefix = max(annotations.itemPrefix, min(tuple.count, elements.count))
        if let rest, elements.count > tuple.count {
            for i in tuple.count..<elements.count {
                if rest.schema == .bool(false) {
                    fail(rest.keyword, "must NOT have more than \(tuple.count) items")
                    if failed() { return false }
                    break
                }
                if evaluate(elements[i], rest.schema, outerBase: base, keywords: [rest.keyword], instanceStep: String(i)) == nil {
                    if failed() { return false }
                }
            }
            annotations.itemPrefix = elements.count
        }

        if let contains = s["contains"] {
            var matches: [Int] = []
            for (i, element) in elements.enumerated()
            where silently({ $0.evaluate(element, contains, outerBase: base, keywords: ["contains"], instanceStep: String(i)) }) != nil {
                matches.append(i)
            }
            let minimum = draft == .draft2020_12 ? (s["minContains"]?.doubleValue ?? 1) : 1
            let maximum = draft == .draft2020_12 ? s["maxContains"]?.doubleValue : nil
            if Double(matches.count) < minimum {
                fail(s["minContains"] == nil ? "contains" : "minContains",
                     "must contain at least \(JSONValue.numberText(minimum)) valid item(s)")
                if failed() { return false }
            } else if let maximum, Double(matches.count) > maximum {
                fail("maxContains", "must contain at most \(JSONValue.numberText(maximum)) valid item(s)")
                if failed() { return false }
            }
            if tracksAnnotations { annotations.itemIndices.formUnion(matches) }
        }
        return valid
    }

    mutating func checkObject(_ members: [String: JSONValue], _ s: [String: JSONValue], base: String,
                              into annotations: inout Annotations) -> Bool {
        var valid = true
        func failed() -> Bool {
            valid = false
            return stopsAtFirstFailure
        }
        if let limit = s["maxProperties"]?.doubleValue, Double(members.count) > limit {
            fail("maxProperties", "must NOT have more than \(JSONValue.numberText(limit)) properties")
            if failed() { return false }
        }
        if let limit = s["minProperties"]?.doubleValue, Double(members.count) < limit {
            fail("minProperties", "must NOT have fewer than \(JSONValue.numberText(limit)) properties")
            if failed() { return false }
        }
        if let required = s["required"]?.arrayValue {
            for name in required.compactMap(\.stringValue) where members[name] == nil {
                fail("required", "must have required property '\(name)'")
                if failed() { return false }
            }
        }
        let dependentRequired = draft == .draft2020_12 ? s["dependentRequired"]?.objectValue
            : s["dependencies"]?.objectValue?.filter { $0.value.arrayValue != nil }
        if let dependentRequired {
            let keyword = draft == .draft2020_12 ? "dependentRequired" : "dependencies"
            for (trigger, names) in dependentRequired.sorted(by: { $0.key < $1.key }) where members[trigger] != nil {
                for name in names.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                    fail(keyword, "must have property '\(name)' when property '\(trigger)' is present")
                    if failed() { return false }
                }
            }
        }

        let properties = s["properties"]?.objectValue ?? [:]
        let patternProperties = s["patternProperties"]?.objectValue ?? [:]
        let additional = s["additionalProperties"]
        let needsKeyScan = !patternProperties.isEmpty || additional != nil
        if !properties.isEmpty {
            // Iterate whichever side is smaller.
            let names = properties.count <= members.count ? properties.keys.filter { members[$0] != nil } : members.keys.filter { properties[$0] != nil }
            for name in names.sorted() {
                if evaluate(members[name]!, properties[name]!, outerBase: base, keywords: ["properties", name], instanceStep: name) == nil {
                    if failed() { return false }
                }
                if tracksAnnotations { annotations.properties.insert(name) }
            }
        }
        if needsKeyScan {
            for name in members.keys.sorted() {
                var matchedPattern = false
                for (pattern, sub) in patternProperties {
                    guard let compiled = index.patterns[pattern] else { continue }
                    switch search(compiled, in: name) {
                    case .notMatched?:
                        continue
                    case .timedOut(let exceeded)?:
                        fail("patternProperties", "could not check property '\(name)' against pattern \"\(pattern)\": "
                            + "matching timed out after \(exceeded.budget.limit) ms of CPU time "
                            + "(\(exceeded.budget.name))")
                        if failed() { return false }
                        continue
                    case .overBudget?, nil:
                        return false
                    case .matched?:
                        matchedPattern = true
                    }
                    if evaluate(members[name]!, sub, outerBase: base, keywords: ["patternProperties", pattern], instanceStep: name) == nil {
                        if failed() { return false }
                    }
                }
                if matchedPattern && tracksAnnotations { annotations.properties.insert(name) }
                if let additional, properties[name] == nil, !matchedPattern {
                    if additional == .bool(false) {
                        fail("additionalProperties", "must NOT have additional property '\(name)'")
                        if failed() { return false }
                    } else if evaluate(members[name]!, additional, outerBase: base, keywords: ["additionalProperties"], instanceStep: name) == nil {
                        if failed() { return false }
                    }
                    if tracksAnnotations { annotations.properties.insert(name) }
                }
            }
        }
        if let names = s["propertyNames"] {
            for name in members.keys.sorted()
            where silently({ $0.evaluate(.string(name), names, outerBase: base, keywords: ["propertyNames"]) }) == nil {
                fail("propertyNames", "property name '\(name)' is invalid")
                if failed() { return false }
            }
        }
        let dependentSchemas = draft == .draft2020_12 ? s["dependentSchemas"]?.objectValue
            : s["dependencies"]?.objectValue?.filter { $0.value.arrayValue == nil }
        if let dependentSchemas {
            let keyword = draft == .draft2020_12 ? "dependentSchemas" : "dependencies"
            for (trigger, sub) in dependentSchemas.sorted(by: { $0.key < $1.key }) where members[trigger] != nil {
                if let found = evaluate(.object(members), sub, outerBase: base, keywords: [keyword, trigger]) {
                    if tracksAnnotations { annotations.merge(found) }
                } else if failed() {
                    return false
                }
            }
        }
        return valid
    }

    /// A value for a message: its JSON, cut short.
    static func short(_ value: JSONValue) -> String {
        let text = value.jsonText
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
}
