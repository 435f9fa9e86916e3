package dev.rapport.crm.jdbc;

class H2FileJdbcStoreTest extends JdbcStoreContract {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.H2_FILE;
  }
}
