package dev.rapport.crm.jdbc.internal;

import java.util.List;
import java.util.function.Function;

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

  /**
   * Data-modifying CTEs: the counters are upserted in the order given ({@code WITH ORDINALITY ... ORDER BY}), each
   * {@code ON CONFLICT DO UPDATE} locking its row until commit as an UPDATE would, and the change rows and stream
   * records take their positions from the upsert's RETURNING. Rows travel as arrays, so the text (and the server's
   * prepared statement) is the same for every commit, whatever its size.
   */
  @Override
  public Sql reserveAndAppend(FeedRows rows, String sequence, String change, String streamRecord) {
    List<FeedRows.Counter> counters = rows.counters();
    List<FeedRows.ChangeRow> changes = rows.changes();
    List<FeedRows.RecordRow> records = rows.records();
    Sql s = new Sql(this).append("WITH s AS (INSERT INTO " + sequence + " AS q (tenant, name, last_value) SELECT ")
        .string(rows.tenant())
        .append(", n.name, n.count FROM unnest(").param(array("text", counters, FeedRows.Counter::name))
        .append(", ").param(array("int8", counters, k -> (long) k.count()))
        .append(") WITH ORDINALITY AS n(name, count, o) ORDER BY n.o"
            + " ON CONFLICT (tenant, name) DO UPDATE SET last_value = q.last_value + EXCLUDED.last_value"
            + " RETURNING q.name, q.last_value)");
    s.append(", c AS (INSERT INTO " + change + " (tenant, pos, collection, doc_id, version, kind, committed_at) SELECT ")
        .string(rows.tenant()).append(", s.last_value - v.back, v.collection, v.doc_id, v.version, v.kind, ")
        .value(rows.now())
        .append(" FROM unnest(").param(array("text", changes, FeedRows.ChangeRow::counter))
        .append(", ").param(array("text", changes, FeedRows.ChangeRow::collection))
        .append(", ").param(array("text", changes, FeedRows.ChangeRow::docId))
        .append(", ").param(array("int8", changes, FeedRows.ChangeRow::version))
        .append(", ").param(array("text", changes, FeedRows.ChangeRow::kind))
        .append(", ").param(array("int8", changes, FeedRows.ChangeRow::back))
        .append(") AS v(counter, collection, doc_id, version, kind, back) JOIN s ON s.name = v.counter)");
    s.append(", r AS (INSERT INTO " + streamRecord + " (tenant, stream, pos, id, type, payload, recorded_at) SELECT ")
        .string(rows.tenant()).append(", v.stream, s.last_value - v.back, v.id, v.type, CAST(v.payload AS JSONB), ")
        .value(rows.now())
        .append(" FROM unnest(").param(array("text", records, FeedRows.RecordRow::counter))
        .append(", ").param(array("text", records, FeedRows.RecordRow::stream))
        .append(", ").param(array("text", records, FeedRows.RecordRow::id))
        .append(", ").param(array("text", records, FeedRows.RecordRow::type))
        .append(", ").param(array("text", records, FeedRows.RecordRow::payload))
        .append(", ").param(array("int8", records, FeedRows.RecordRow::back))
        .append(") AS v(counter, stream, id, type, payload, back) JOIN s ON s.name = v.counter)");
    return s.append(" SELECT name, last_value FROM s");
  }

  /** One column of {@code rows} as a typed array parameter (text[] or int8[]), so unnest needs no cast. */
  private static <T> Sql.Binder array(String type, List<T> rows, Function<T, ?> column) {
    Object[] values = type.equals("int8") ? new Long[rows.size()] : new String[rows.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = column.apply(rows.get(i));
    }
    return (ps, i) -> ps.setArray(i, ps.getConnection().createArrayOf(type, values));
  }

  @Override
  public boolean sendsStatementsTogether() {
    return true;
  }

  @Override
  public boolean switchesToReadCommitted() {
    // READ COMMITTED is PostgreSQL's default; a host that configured a stricter level keeps it (still correct:
    // serialization failures become ConcurrentModificationException)
    return false;
  }
}
