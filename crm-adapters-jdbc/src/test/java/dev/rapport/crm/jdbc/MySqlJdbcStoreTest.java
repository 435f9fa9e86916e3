package dev.rapport.crm.jdbc;

/** This module's own tests on MySQL; skipped unless {@code RAPPORT_TEST_MYSQL_URL} names a server. */
class MySqlJdbcStoreTest extends JdbcStoreContract {
  @Override
  TestDatabases.Kind kind() {
    return TestDatabases.Kind.MYSQL;
  }
}
