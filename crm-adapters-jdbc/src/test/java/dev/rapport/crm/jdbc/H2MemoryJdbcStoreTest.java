package dev.rapport.crm.jdbc;

class H2MemoryJdbcStoreTest extends JdbcStoreContract {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.H2_MEMORY;
  }
}
