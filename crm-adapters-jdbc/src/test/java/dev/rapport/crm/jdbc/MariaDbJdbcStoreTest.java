package dev.rapport.crm.jdbc;

class MariaDbJdbcStoreTest extends JdbcStoreContract {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.MARIADB;
  }
}
