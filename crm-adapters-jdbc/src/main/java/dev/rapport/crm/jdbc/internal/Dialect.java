package dev.rapport.crm.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What one database does differently. The SQL every database shares lives in the store and its helpers and is
 * written once; a dialect states only column types, upsert syntax, JSON binding, null ordering, locking options and
 * error codes. Defaults here follow the SQL standard (and PostgreSQL/H2, which mostly do too).
 */
public abstract class Dialect {

  /**
   * The folder under {@code META-INF/rapport/migration/} holding this dialect's Flyway migrations (a folder that is
   * not a package name, so a named module's encapsulation does not hide it on the module path).
   */
  public abstract String migrationFolder();

  /**
   * Flyway settings this database needs so that Flyway does all of its work on the one connection it is given.
   * Only settings of Flyway's support for this database: Flyway refuses a setting of a support that is missing.
   */
  public Map<String, String> flywaySettings() {
    return Map.of();
  }

  /** Learns what only a live connection can tell (e.g. MariaDB versus MySQL). Called once at start. */
  public void init(Connection connection) throws SQLException {}

  // --- types -----------------------------------------------------------------------------------------------------

  /** An indexed string or id column of {@code length} characters, compared by code point. */
  public abstract String stringType(int length);

  /** A JSON document column. */
  public abstract String jsonType();

  public String longType() {
    return "BIGINT";
  }

  public String decimalType() {
    return "DECIMAL(40,10)";
  }

  public String booleanType() {
    return "BOOLEAN";
  }

  /** A point in time with millisecond precision. */
  public String instantType() {
    return "TIMESTAMP(3) WITH TIME ZONE";
  }

  /** Options after the closing parenthesis of CREATE TABLE (engine, character set). */
  public String tableOptions() {
    return "";
  }

  /** The most characters a JSON value (a document's body, a stream record's payload) may have as text. */
  public int maxJsonLength() {
    return Integer.MAX_VALUE;
  }

  /** The placeholder for a JSON parameter bound as a string. */
  public String jsonParameter() {
    return "?";
  }

  public void bindInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
    ps.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
  }

  public Instant readInstant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  /** The instant in column {@code column}, or null where it is NULL. */
  public @Nullable Instant readInstant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /**
   * The form of a string as stored in an ordered column. Identity unless the database cannot order strings by code
   * point natively (see {@link H2Dialect}); then an order-preserving bijection of UTF-16 units.
   */
  public String encodeKey(String s) {
    return s;
  }

  public String decodeKey(String s) {
    return s;
  }

  /**
   * A column name as written in statements: quoted where the database reserves it (MySQL 8 reserves the window
   * function names, e.g. {@code LAST_VALUE}). Identity elsewhere.
   */
  public String quote(String column) {
    return column;
  }

  // --- statements ------------------------------------------------------------------------------------------------

  /**
   * Whether a prefix on a multi-valued field is the range {@code v >= p AND v < successor(p)} on the side table,
   * which its (tenant, field, value, id) index serves, rather than {@code LIKE}, which no index serves when the
   * pattern is a parameter. Both are exact (see {@link CriteriaSql}); this is about plans only.
   */
  public boolean prefixRangeOnSideTable() {
    return true;
  }

  /** An ORDER BY item honouring the kernel's rule: missing values first ascending, last descending. */
  public String orderBy(String column, boolean ascending) {
    return column + (ascending ? " ASC NULLS FIRST" : " DESC NULLS LAST");
  }

  /**
   * Inserts a row, or on a key conflict updates {@code updateColumns} to the new values (does nothing when that
   * list is empty). Parameters are the {@code columns} in order.
   */
  public abstract String upsert(String table, List<String> columns, List<String> keyColumns, List<String> updateColumns);

  /** Whether an insert-if-absent {@link #upsert} can still fail with a duplicate key under concurrency. */
  public boolean upsertMayRace() {
    return false;
  }

  /**
   * One statement that reserves positions for every counter of {@code rows} and writes its change rows and stream
   * records at them, returning one row (counter name, new value) per counter; null where the dialect has no such
   * statement (then the store updates the counters one by one and inserts the rows in batches).
   *
   * <p>Either the statement advances counter rows, locking them in the order given until the transaction ends, exactly
   * as an UPDATE would (positions then follow commit order), or the dialect numbers positions by transaction and has a
   * {@link #positionHorizon()} that tells readers below which position nothing can still appear (module README,
   * "Change feed"). Table names are qualified and trusted; every value is a bound parameter.
   */
  public @Nullable Sql reserveAndAppend(FeedRows rows, String sequence, String change, String streamRecord) {
    return null;
  }

  /**
   * Where positions are not taken in commit order: an SQL expression, evaluated in the reading statement's snapshot,
   * below which every position that will ever exist is already visible; a reader returns only the rows below it.
   * Null where positions follow commit order (counters locked until commit).
   */
  public @Nullable String positionHorizon() {
    return null;
  }

  /**
   * A condition on the stream record column {@code position} that a record must meet to be purged
   * ({@code Store#purge}), or null where any record may go. Where positions are numbered by transaction
   * ({@link #positionHorizon()}), each append of a transaction numbers on from the greatest position that transaction
   * holds, so purging its own newest record would let its next append take that position again: the condition keeps
   * the purging transaction's own records, which its readers do not see either (they are above the horizon).
   */
  public @Nullable String purgeable(String position) {
    return null;
  }

  /**
   * Whether several ';'-separated statements in one {@link java.sql.PreparedStatement} reach the server in one round
   * trip and run in order, stopping at the first error (pgjdbc sends them with a single Sync).
   */
  public boolean sendsStatementsTogether() {
    return false;
  }

  /**
   * Whether units of work must switch the connection to READ COMMITTED. PostgreSQL already defaults to it, and
   * asking pgjdbc for the current level costs a round trip per unit of work, so it opts out.
   */
  public boolean switchesToReadCommitted() {
    return true;
  }

  /** Whether {@code SELECT ... FOR UPDATE SKIP LOCKED} is available. */
  public abstract boolean skipLocked();

  // --- DDL -------------------------------------------------------------------------------------------------------

  /**
   * Whether the document table holds each multi-valued string field a second time, as an array column that page and
   * count filters read instead of probing the side table ({@link Layout#arrayIndexes}). No by default: the side
   * table serves every database; PostgreSQL says yes.
   */
  public boolean arrayColumns() {
    return false;
  }

  /**
   * The DDL that adds the array column {@code column} of strings of at most {@code length} characters to
   * {@code table}, never NULL, and fills it for the documents already there from their rows in {@code sideTable}
   * (field {@code field}), in one statement: a start interrupted half-way leaves the column absent, not empty.
   */
  public String addArrayColumn(String table, String column, int length, String sideTable, String field) {
    throw new UnsupportedOperationException("no array columns on " + migrationFolder());
  }

  /** The SQL type name of the elements of an array column, as JDBC's {@code createArrayOf} takes it. */
  public String arrayElementType() {
    throw new UnsupportedOperationException("no array columns on " + migrationFolder());
  }

  /** An element {@code element} of an array column ({@code unnest}ed), in the order of the document table's strings. */
  public String arrayElement(String element) {
    return element;
  }

  public String createTable(String table, String body) {
    return "CREATE TABLE IF NOT EXISTS " + table + " (" + body + ")" + tableOptions();
  }

  public String addColumn(String table, String column, String type) {
    return "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + column + " " + type;
  }

  /** Drops a column; run only where the table has it (every supported database drops it without a rewrite). */
  public String dropColumn(String table, String column) {
    return "ALTER TABLE " + table + " DROP COLUMN IF EXISTS " + column;
  }

  /** {@code name} is unqualified (the index lives in the table's schema); {@code table} may be qualified. */
  public String createIndex(String name, String table, List<String> columns, boolean unique) {
    return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " + name + " ON " + table
        + " (" + String.join(", ", columns) + ")";
  }

  /**
   * A unique index that only constrains rows where {@code column} is not NULL. NULLs never conflict in a unique index
   * on any supported database, so by default this is the plain unique index; a dialect with partial indexes leaves
   * the NULL rows out of it, which saves one index entry per such row on every write.
   */
  public String createUniqueIndexWhereNotNull(String name, String table, List<String> columns, String column) {
    return createIndex(name, table, columns, true);
  }

  /**
   * The names of the columns and indexes {@code table} already has, in lower case, from the catalog ({@link #columns},
   * {@link #indexes}): the store runs no DDL for what exists. A statement bound to fail is logged at WARN by MariaDB
   * Connector/J, and even PostgreSQL's {@code ADD COLUMN IF NOT EXISTS} takes the table's ACCESS EXCLUSIVE lock, which
   * waits behind every running query of the table and deadlocks with another node's concurrent index build. Empty
   * for a table that does not exist. {@code schema} null: the connection's current schema.
   */
  public final Set<String> existingColumnsAndIndexes(Connection c, @Nullable String schema, String table)
      throws SQLException {
    Set<String> out = new java.util.HashSet<>(columns(c, schema, table));
    out.addAll(indexes(c, schema, table).keySet());
    return out;
  }

  /** The columns of {@code table} (unqualified) in {@code schema} (null: the connection's), in lower case. */
  public abstract Set<String> columns(Connection c, @Nullable String schema, String table) throws SQLException;

  /**
   * Statements that keep queries of {@code table} (unqualified; {@code qualified} to use in SQL) in {@code schema}
   * (null: the connection's) off parallel plans, given the table's current settings: none where the database plans
   * no parallel query for a page (MariaDB, MySQL, H2). Run when a collection is registered; a table already set up
   * gets none.
   */
  public List<String> serialPlans(Connection c, @Nullable String schema, String table, String qualified)
      throws SQLException {
    return List.of();
  }

  /**
   * Whether a lookup by a unique key {@code (tenant, k)} is written as {@code k >= ? AND k <= ? ORDER BY k} instead
   * of {@code k = ?} (see {@link PostgresDialect#rangeForUniqueLookups}). No by default: the equality is what the
   * other databases' planners read as a single-row lookup.
   */
  public boolean rangeForUniqueLookups() {
    return false;
  }

  // --- declared indexes ------------------------------------------------------------------------------------------

  /**
   * One key of an index that serves {@link #orderBy} in that direction: same column order and same place for NULLs
   * (first in ascending order, last in descending). Standard SQL and MariaDB order NULLs that way by default.
   */
  public String indexKey(String column, boolean ascending) {
    return ascending ? column : column + " DESC";
  }

  /** The most bytes one index entry's declared columns may take (MariaDB/MySQL InnoDB: 3,072); unlimited here. */
  public int maxIndexKeyBytes() {
    return Integer.MAX_VALUE;
  }

  /**
   * The indexes of {@code table} (unqualified) in {@code schema} (null: the connection's), lower-case names mapped
   * to whether each is usable (false: a PostgreSQL index left INVALID by a concurrent build that did not finish).
   */
  public abstract Map<String, Boolean> indexes(Connection c, @Nullable String schema, String table)
      throws SQLException;

  /**
   * The index names {@code sql} lists (its first column), all usable: {@code sql} takes the schema as its first
   * parameter unless {@code schema} is null (it then names the current schema itself), and the table next.
   */
  protected static Map<String, Boolean> indexNames(Connection c, String sql, @Nullable String schema, String table)
      throws SQLException {
    Map<String, Boolean> out = new java.util.HashMap<>();
    names(c, sql, schema, table).forEach(n -> out.put(n, true));
    return out;
  }

  /**
   * The first column of {@code sql}'s rows, in lower case: {@code sql} takes the schema as its first parameter
   * unless {@code schema} is null (it then names the current schema itself), and the table next.
   */
  protected static Set<String> names(Connection c, String sql, @Nullable String schema, String table)
      throws SQLException {
    Set<String> out = new java.util.HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (schema != null) {
        ps.setString(i++, schema);
      }
      ps.setString(i, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return out;
  }


  /**
   * Creates a declared index without blocking writes to the table where the database can, and idempotently.
   * {@code keys} are rendered with {@link #indexKey}. {@code emptyTable}: nothing to build, a plain statement is
   * as online and quicker.
   */
  public String createIndexOnline(String name, String table, List<String> keys, boolean emptyTable) {
    return "CREATE INDEX IF NOT EXISTS " + name + " ON " + table + " (" + String.join(", ", keys) + ")";
  }

  /** Drops an index without blocking writes to the table where the database can, and idempotently. */
  public String dropIndexOnline(String name, String table, boolean emptyTable) {
    return "DROP INDEX IF EXISTS " + qualifierOf(table) + name;
  }

  /** The {@code schema.} part of a qualified table name (an index lives in its table's schema), or "". */
  protected static String qualifierOf(String table) {
    int dot = table.lastIndexOf('.');
    return dot < 0 ? "" : table.substring(0, dot + 1);
  }

  /** A DDL error meaning "not there" when dropping an index on databases without IF EXISTS for it. */
  public boolean alreadyGone(SQLException e) {
    return false;
  }

  /**
   * Runs {@code ddl} holding a lock that every node of this database takes for the same {@code key} on its session
   * ({@link #lockDdl}, {@link #unlockDdl}), so two nodes starting together change a table's indexes one after the
   * other.
   */
  public final void withDdlLock(Connection c, String key, SqlAction ddl) throws SQLException {
    lockDdl(c, key);
    try {
      ddl.run();
    } finally {
      unlockDdl(c, key);
    }
  }

  /**
   * Takes the session lock {@code key} on {@code c}, waiting while another node holds it. None here: H2 serves one
   * process.
   */
  protected void lockDdl(Connection c, String key) throws SQLException {}

  /** Releases what {@link #lockDdl} took. */
  protected void unlockDdl(Connection c, String key) throws SQLException {}

  /** Runs {@code sql} with the one string parameter {@code value}. */
  protected static void execute(Connection c, String sql, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, value);
      ps.execute();
    }
  }

  /** A piece of DDL work. */
  @FunctionalInterface
  public interface SqlAction {
    void run() throws SQLException;
  }

  /** A DDL error meaning "already there" on databases without IF NOT EXISTS for that statement. */
  public boolean alreadyExists(SQLException e) {
    return false;
  }

  // --- errors ----------------------------------------------------------------------------------------------------

  /** A unique constraint was violated. */
  public boolean isDuplicateKey(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  /** A deadlock or serialization failure: the transaction lost a race and was rolled back. */
  public boolean isConflict(SQLException e) {
    String s = e.getSQLState();
    return "40001".equals(s) || "40P01".equals(s);
  }

  /** A failure a retry may fix: lost connection, lock wait timeout, server shutting down. */
  public boolean isTransient(SQLException e) {
    String s = e.getSQLState();
    return s != null && (s.startsWith("08") || s.equals("55P03") || s.equals("57P01") || s.equals("HYT00"));
  }

  static String joinColumns(List<String> columns, String format) {
    return columns.stream().map(c -> String.format(format, c)).collect(Collectors.joining(", "));
  }

  public static Dialect postgres() {
    return new PostgresDialect();
  }

  public static Dialect mariadb() {
    return new MariaDbDialect();
  }

  public static Dialect h2() {
    return new H2Dialect();
  }
}
