import Budgets
import CYaml

/// Measures what a YAML document would expand into, on libyaml's event stream, before Yams
/// builds anything from it.
///
/// Yams composes a document into a node graph in which an alias shares its anchor's node, so
/// composing is linear; but turning that graph into values copies every alias out in full, and
/// Yams hashes mapping keys as it composes, so ten lines of nested aliases (billion laughs) are
/// 10^9 nodes of work. This scan counts each node with its aliases expanded (an anchor's size
/// is remembered, an alias adds it) and tracks the nesting, stopping at the first budget passed;
/// its own work and memory are linear in the document. A document libyaml cannot parse is left
/// for Yams, which reports the error with its position.
enum YAMLExpansionScan {
    static func check(_ text: String, nodes: Budget, depth: Budget) throws(BudgetExceeded) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        // libyaml keeps the pointer for the whole parse, so the bytes get a buffer of their own.
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, text.utf8.count))
        defer { bytes.deallocate() }
        let count = bytes.initialize(fromContentsOf: text.utf8)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, bytes.baseAddress, count)
        try scan(&parser, nodes: nodes, depth: depth)
    }

    private static func scan(_ parser: inout yaml_parser_t, nodes: Budget, depth: Budget) throws(BudgetExceeded) {
        /// Expanded sizes of the open collections, innermost last, with their anchors.
        var open: [(size: Int, anchor: String?)] = []
        var anchorSizes: [String: Int] = [:]
        var total = 0
        func add(_ size: Int) throws(BudgetExceeded) {
            total = total > Int.max - size ? Int.max : total + size
            try nodes.check(total, "the document with its aliases expanded")
            if !open.isEmpty { open[open.count - 1].size += size }
        }
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_SCALAR_EVENT:
                if let anchor = string(event.data.scalar.anchor) { anchorSizes[anchor] = 1 }
                try add(1)
            case YAML_ALIAS_EVENT:
                let size = string(event.data.alias.anchor).flatMap { anchorSizes[$0] } ?? 1
                try add(size)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor = string(event.type == YAML_SEQUENCE_START_EVENT
                                    ? event.data.sequence_start.anchor : event.data.mapping_start.anchor)
                try add(1)
                open.append((size: 1, anchor: anchor))
                try depth.check(open.count, "the nesting of the document", field: nil)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return }
                if let anchor = closed.anchor { anchorSizes[anchor] = closed.size }
                // The collection's own node was added when it opened; its members as they came.
                if !open.isEmpty { open[open.count - 1].size += closed.size - 1 }
            default:
                continue
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
