package dev.rapport.crm.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * MariaDB 10.6+ and MySQL 8.0.19+ (tested on MariaDB 10.11, 11.4 and 11.8 and on MySQL 9.7; not on MariaDB 10.6, nor
 * on MySQL 8.0 or 8.4: see the module's README). Strings use a
 * binary NO PAD collation (code point order, trailing spaces significant); times are DATETIME(3) in UTC (TIMESTAMP
 * ends in 2038); ASC already sorts NULLs first and DESC last. MariaDB has {@code IF NOT EXISTS} for columns and indexes,
 * MySQL has not: DDL is issued without it, only for the columns and indexes {@code information_schema} does not list
 * (a failing statement would be logged at WARN by the driver on every start), and an "already exists" error (1060,
 * 1061) from a concurrent start is ignored, which works on both.
 *
 * <p>What MySQL does differently is decided here, once, from the server {@link #init} sees: its NO PAD binary
 * collation is {@code utf8mb4_0900_bin} (8.0.17+); its JSON type is binary and parses every number with a fraction
 * (or beyond 64 bits) as a double, so JSON is kept as text ({@code LONGTEXT}; MariaDB's JSON already is text); and it
 * reserves window function names such as {@code LAST_VALUE}, so such columns are quoted.
 */
final class MariaDbDialect extends Dialect {
  private volatile boolean mysql;

  @Override
  public String migrationFolder() {
    return "mariadb";
  }

  @Override
  public void init(Connection connection) throws SQLException {
    // MariaDB Connector/J names the product "MariaDB" or "MySQL" after the server's handshake
    mysql = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("mysql");
  }

  private String collation() {
    return mysql ? "utf8mb4_0900_bin" : "utf8mb4_nopad_bin";
  }

  @Override
  public String quote(String column) {
    return "`" + column + "`";
  }

  @Override
  public String stringType(int length) {
    return "VARCHAR(" + length + ") CHARACTER SET utf8mb4 COLLATE " + collation();
  }

  @Override
  public String jsonType() {
    return mysql ? "LONGTEXT" : "JSON";
  }

  @Override
  public String instantType() {
    return "DATETIME(3)";
  }

  @Override
  public String tableOptions() {
    return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=" + collation();
  }

  @Override
  public void bindInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
    ps.setObject(index, LocalDateTime.ofInstant(value, ZoneOffset.UTC));
  }

  @Override
  public Instant readInstant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
  }

  @Override
  public @Nullable Instant readInstant(ResultSet rs, int column) throws SQLException {
    LocalDateTime t = rs.getObject(column, LocalDateTime.class);
    return t == null ? null : t.toInstant(ZoneOffset.UTC);
  }

  @Override
  public String orderBy(String column, boolean ascending) {
    return column + (ascending ? " ASC" : " DESC");
  }

  @Override
  public String upsert(String table, List<String> columns, List<String> keyColumns, List<String> updateColumns) {
    List<String> update = updateColumns.isEmpty() ? List.of(keyColumns.get(0)) : updateColumns;
    // the inserted row: VALUES(col) on MariaDB; on MySQL, where VALUES() is deprecated since 8.0.20 (warning 1287),
    // a row alias (8.0.19+), which MariaDB does not have. With the alias, an unqualified column on the right of
    // the no-op update is ambiguous (error 1052), so it names the table.
    String inserted = mysql ? "%1$s = v.%1$s" : "%1$s = VALUES(%1$s)";
    String unchanged = mysql ? "%1$s = " + table + ".%1$s" : "%1$s = %1$s";
    return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + joinColumns(columns, "?")
        + ")" + (mysql ? " AS v" : "") + " ON DUPLICATE KEY UPDATE "
        + joinColumns(update, updateColumns.isEmpty() ? unchanged : inserted);
  }

  @Override
  public boolean skipLocked() {
    return true;
  }

  /** MySQL has no {@code DROP COLUMN IF EXISTS}; a column already dropped is {@link #alreadyGone} (1091). */
  @Override
  public String dropColumn(String table, String column) {
    return "ALTER TABLE " + table + " DROP COLUMN " + column;
  }

  @Override
  public String addColumn(String table, String column, String type) {
    return "ALTER TABLE " + table + " ADD COLUMN " + column + " " + type;
  }

  @Override
  public String createIndex(String name, String table, List<String> columns, boolean unique) {
    return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + name + " ON " + table
        + " (" + String.join(", ", columns) + ")";
  }

  @Override
  public Set<String> columns(Connection c, @Nullable String schema, String table) throws SQLException {
    return names(c, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
        + (schema == null ? "DATABASE()" : "?") + " AND TABLE_NAME = ?", schema, table);
  }

  /** InnoDB's limit for an index entry with the DYNAMIC row format; utf8mb4 counts 4 bytes per character. */
  @Override
  public int maxIndexKeyBytes() {
    return 3072;
  }

  @Override
  public Map<String, Boolean> indexes(Connection c, @Nullable String schema, String table) throws SQLException {
    return indexNames(c, "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = "
        + (schema == null ? "DATABASE()" : "?") + " AND TABLE_NAME = ?", schema, table);
  }

  /**
   * Online DDL (InnoDB): the index is built in place while the table takes reads and writes; the statement fails
   * rather than fall back to a copy or a lock. MariaDB and MySQL share the syntax; neither has IF NOT EXISTS on both
   * (the caller creates only what {@link #indexes} does not list, and treats "already exists" as done).
   */
  @Override
  public String createIndexOnline(String name, String table, List<String> keys, boolean emptyTable) {
    return "ALTER TABLE " + table + " ADD INDEX " + name + " (" + String.join(", ", keys) + "), ALGORITHM=INPLACE,"
        + " LOCK=NONE";
  }

  @Override
  public String dropIndexOnline(String name, String table, boolean emptyTable) {
    return "ALTER TABLE " + table + " DROP INDEX " + name + ", ALGORITHM=INPLACE, LOCK=NONE";
  }

  /** A named user lock ({@code GET_LOCK}, 64 characters at most), held by {@code c}'s session. */
  @Override
  protected void lockDdl(Connection c, String key) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("SELECT GET_LOCK(?, 600)")) {
      lock.setString(1, lockName(key));
      try (ResultSet rs = lock.executeQuery()) {
        if (!rs.next() || rs.getInt(1) != 1) {
          throw new SQLException("could not take the DDL lock " + lockName(key) + " within 600 s");
        }
      }
    }
  }

  @Override
  protected void unlockDdl(Connection c, String key) throws SQLException {
    execute(c, "SELECT RELEASE_LOCK(?)", lockName(key));
  }

  private static String lockName(String key) {
    return key.length() > 64 ? key.substring(0, 64) : key;
  }

  @Override
  public boolean alreadyGone(SQLException e) {
    return e.getErrorCode() == 1091;
  }

  @Override
  public boolean alreadyExists(SQLException e) {
    return e.getErrorCode() == 1060 || e.getErrorCode() == 1061;
  }

  @Override
  public boolean isDuplicateKey(SQLException e) {
    return e.getErrorCode() == 1062 || e.getErrorCode() == 1586;
  }

  @Override
  public boolean isConflict(SQLException e) {
    return e.getErrorCode() == 1213 || "40001".equals(e.getSQLState());
  }

  @Override
  public boolean isTransient(SQLException e) {
    // 1205: lock wait timeout
    return e.getErrorCode() == 1205 || super.isTransient(e);
  }
}
