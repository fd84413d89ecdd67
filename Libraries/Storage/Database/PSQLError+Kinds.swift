import PostgresNIO

extension PSQLError {
    /// SQLSTATE 23505: a unique constraint rejected the row.
    var isUniqueViolation: Bool { serverInfo?[.sqlState] == "23505" }
}

extension Error {
    /// SQLSTATE 42P01, however wrapped: a table is missing (the schema is not migrated yet).
    var isUndefinedTable: Bool {
        if let error = self as? PSQLError { return error.serverInfo?[.sqlState] == "42P01" }
        if let error = self as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].contains { $0?.isUndefinedTable == true }
        }
        return false
    }
}
