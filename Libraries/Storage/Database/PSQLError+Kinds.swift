import PostgresNIO

extension PSQLError {
    /// SQLSTATE 23505: a unique constraint rejected the row.
    var isUniqueViolation: Bool { serverInfo?[.sqlState] == "23505" }
}
