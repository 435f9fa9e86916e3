package dev.rapport.crm.jdbc.internal;

import java.util.List;

/** PostgreSQL 12+: jsonb bodies, {@code COLLATE "C"} strings (UTF-8 byte order is code point order). */
final class PostgresDialect extends Dialect {
  @Override
  public String migrationFolder() {
    return "postgresql";
  }

  @Override
  public String stringType(int length) {
    return "VARCHAR(" + length + ") COLLATE \"C\"";
  }

  @Override
  public String jsonType() {
    return "JSONB";
  }

  @Override
  public String jsonParameter() {
    return "CAST(? AS JSONB)";
  }

  @Override
  public String decimalType() {
    return "NUMERIC(40,10)";
  }

  @Override
  public String upsert(String table, List<String> columns, List<String> keyColumns, List<String> updateColumns) {
    return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
        + joinColumns(columns, "?") + ") ON CONFLICT (" + String.join(", ", keyColumns) + ") DO "
        + (updateColumns.isEmpty() ? "NOTHING" : "UPDATE SET " + joinColumns(updateColumns, "%1$s = EXCLUDED.%1$s"));
  }

  @Override
  public boolean skipLocked() {
    return true;
  }

  @Override
  public String updateReturning(String update, String column) {
    return update + " RETURNING " + column;
  }

  @Override
  public boolean switchesToReadCommitted() {
    // READ COMMITTED is PostgreSQL's default; a host that configured a stricter level keeps it (still correct:
    // serialization failures become ConcurrentModificationException)
    return false;
  }
}
