package dev.rapport.crm.jdbc;

class PostgresJdbcStoreTest extends JdbcStoreContract {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
