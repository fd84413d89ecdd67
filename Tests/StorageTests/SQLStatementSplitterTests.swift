import Storage
import Testing

@Suite struct SQLStatementSplitterTests {
    @Test func splitsOnSemicolonsOutsideQuotesCommentsAndDollarBodies() {
        let script = """
            CREATE TABLE a (x text DEFAULT 'a;b');
            -- a comment; with a semicolon
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            INSERT INTO "odd;name" VALUES ('it''s; fine');
            """
        let statements = SQLStatementSplitter.split(script)
        #expect(statements.count == 3)
        #expect(statements[0] == "CREATE TABLE a (x text DEFAULT 'a;b')")
        #expect(statements[1].hasSuffix("$body$ SELECT 1; $body$ LANGUAGE sql"))
        #expect(statements[2] == "INSERT INTO \"odd;name\" VALUES ('it''s; fine')")
    }

    @Test func dropsEmptyAndCommentOnlyStatements() {
        #expect(SQLStatementSplitter.split(";;\n-- only a comment\n;").isEmpty)
    }

    @Test func everyShippedMigrationSplitsIntoStatements() {
        for migration in Migration.all {
            let statements = SQLStatementSplitter.split(migration.sql)
            #expect(!statements.isEmpty)
            #expect(statements.allSatisfy { !$0.hasSuffix(";") })
        }
    }
}
