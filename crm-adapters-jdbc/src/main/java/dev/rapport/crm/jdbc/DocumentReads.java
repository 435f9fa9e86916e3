package dev.rapport.crm.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.jdbc.internal.CriteriaSql;
import dev.rapport.crm.jdbc.internal.Dialect;
import dev.rapport.crm.jdbc.internal.IndexCodec;
import dev.rapport.crm.jdbc.internal.Layout;
import dev.rapport.crm.jdbc.internal.Sql;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.KeysetPaging;
import dev.rapport.crm.store.StoreChecks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads of documents: by id, by unique value, a page of a query, a count. Each is one statement built with
 * {@link Sql} (values bound, never spliced) and {@link CriteriaSql} (criteria checked against the spec first).
 */
final class DocumentReads {
  private final JdbcContext ctx;
  private final Dialect dialect;
  private final SchemaRegistry schema;

  DocumentReads(JdbcContext ctx, SchemaRegistry schema) {
    this.ctx = ctx;
    this.dialect = ctx.dialect();
    this.schema = schema;
  }

  Optional<Document> get(TenantId tenant, String collection, String id) {
    Layout l = schema.layout(collection);
    Sql s = getSql(tenant, collection, id);
    return ctx.read("get", c -> first(c, l, s));
  }

  /** The statement {@link #get} runs. */
  Sql getSql(TenantId tenant, String collection, String id) {
    return uniqueKey(selectDocs(schema.layout(collection), tenant).append(" AND "), "d.id", s -> s.key(id));
  }

  /**
   * {@code column = value}, where {@code (tenant, column)} is a unique key; on PostgreSQL {@code column >= value AND
   * column <= value ORDER BY column}, which no other index serves as cheaply whatever the statistics
   * ({@link Dialect#rangeForUniqueLookups}). Ends the statement.
   */
  private Sql uniqueKey(Sql s, String column, java.util.function.UnaryOperator<Sql> value) {
    if (!dialect.rangeForUniqueLookups()) {
      return value.apply(s.append(column + " = "));
    }
    value.apply(s.append(column + " >= "));
    // the order of the unique index: the primary key's id is a plain ascending key; a unique field's index is
    // created with every key NULLS FIRST on PostgreSQL, like the ORDER BY of a page
    return value.apply(s.append(" AND " + column + " <= ")).append(" ORDER BY "
        + (column.equals("d.id") ? column : dialect.orderBy(column, true)));
  }

  Optional<Document> findUnique(TenantId tenant, String collection, String field, Object value) {
    Layout l = schema.layout(collection);
    Sql s = findUniqueSql(tenant, collection, field, value);
    return ctx.read("findUnique", c -> first(c, l, s));
  }

  /**
   * The statement {@link #findUnique} runs. A multi-valued unique value (customers' {@code externalRefs}) is resolved
   * to its id through the side table's unique index {@code (tenant, field, u_value)}, and the document is then read by
   * its primary key: the side-table step an equality on all key columns of its unique index, the document step the
   * {@linkplain #uniqueKey unique-key condition} of {@link #get}. The generic {@code EXISTS} of a criterion left the
   * join order to the statistics: a generic plan cached while an import's tables were nearly empty (autovacuum off,
   * never analysed) walked every document of the tenant for each lookup, about 10 ms a call at 3,000 customers
   * ({@code PostgresUniqueLookupPlanTest}). A single-valued unique value is the unique-key condition on
   * {@code (tenant, f_x)}, its unique index.
   */
  Sql findUniqueSql(TenantId tenant, String collection, String field, Object value) {
    Layout l = schema.layout(collection);
    Object v = StoreChecks.checkUniqueLookup(l.spec(), field, value);
    IndexSpec index = l.spec().index(field).orElseThrow();
    Sql s = selectDocs(l, tenant).append(" AND ");
    if (!index.multiValued()) {
      return uniqueKey(s, "d." + Layout.column(field), t -> t.value(v));
    }
    // The field name is a literal from the validated spec, like CriteriaSql's; the tenant is bound again rather than
    // correlated, so the sub-select runs once before the primary-key lookup (an InitPlan), not per row. The value is
    // given twice: as the unique key and as the typed value. PostgreSQL costs the partial unique index and the value
    // index (tenant, field, v_x, id) alike; with the value in both, whichever it picks is an equality on all its key
    // columns, never a walk of the field's rows (with u_value alone it took the value index on (tenant, field)).
    // On PostgreSQL the sub-select is given twice (a range on the id, see uniqueKey): two InitPlans, each one probe.
    return uniqueKey(s, "d.id", t -> t.append("(SELECT m.id FROM " + l.sideTable() + " m WHERE m.tenant = ")
        .string(tenant.value()).append(" AND m.field = '" + index.name() + "' AND m."
            + Layout.valueColumn(index.type()) + " = ").value(v)
        .append(" AND m.u_value = ").string(IndexCodec.canonical(index.type(), v)).append(")"));
  }

  Page<Document> query(TenantId tenant, String collection, Query query) {
    Layout l = schema.layout(collection);
    Sql s = pageSql(tenant, collection, query);
    return KeysetPaging.page(ctx.read("query", c -> all(c, l, s)), query);
  }

  /** The statement {@link #query} runs for one page (limit + 1 rows, to know whether there is a next page). */
  Sql pageSql(TenantId tenant, String collection, Query query) {
    Layout l = schema.layout(collection);
    Criteria filter = KeysetPaging.criteria(l.spec(), query);
    CriteriaSql translator = new CriteriaSql(l);
    Sql s = selectDocs(l, tenant).append(" AND ");
    translator.where(filter, s);
    // the limit is a literal (a number, not input text): as a parameter, PostgreSQL's generic plan assumes a limit
    // of 10% of the rows and sorts every candidate, wide rows included, before the semi-join instead of a top-N
    return s.append(translator.orderBy(query.sort(), dialect)).append(" LIMIT " + (query.limit() + 1L));
  }

  long count(TenantId tenant, String collection, Criteria criteria) {
    Layout l = schema.layout(collection);
    l.spec().check(criteria);
    Sql s = new Sql(dialect).append("SELECT COUNT(*) FROM " + l.table() + " d WHERE d.tenant = ")
        .string(tenant.value()).append(" AND ");
    new CriteriaSql(l).where(criteria, s);
    return ctx.read("count", c -> {
      try (PreparedStatement ps = s.prepare(c); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private Sql selectDocs(Layout l, TenantId tenant) {
    return new Sql(dialect).append("SELECT " + l.selectColumns() + " FROM " + l.table() + " d WHERE d.tenant = ")
        .string(tenant.value());
  }

  private Optional<Document> first(Connection c, Layout l, Sql s) throws SQLException {
    List<Document> docs = all(c, l, s);
    return docs.isEmpty() ? Optional.empty() : Optional.of(docs.get(0));
  }

  private List<Document> all(Connection c, Layout l, Sql s) throws SQLException {
    List<Document> out = new ArrayList<>();
    try (PreparedStatement ps = s.prepare(c); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Document(dialect.decodeKey(rs.getString(1)), rs.getLong(2),
            (ObjectNode) ctx.parse(rs.getString(3)), singleValues(rs, l)));
      }
    }
    return out;
  }

  /**
   * The values of the single-valued fields, from their typed columns after id, version and body
   * ({@link Layout#selectColumns}): exactly what was written, the column types holding every value a
   * {@link dev.rapport.crm.store.IndexSpec} admits. A NULL column is a field without a value.
   */
  private Map<String, List<Object>> singleValues(ResultSet rs, Layout l) throws SQLException {
    List<IndexSpec> fields = l.singleIndexes();
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      int column = 4 + i;
      Object v = switch (fields.get(i).type()) {
        case STRING -> {
          String text = rs.getString(column);
          yield text == null ? null : dialect.decodeKey(text);
        }
        case LONG -> {
          long n = rs.getLong(column);
          yield rs.wasNull() ? null : n;
        }
        case DECIMAL -> rs.getBigDecimal(column);
        case INSTANT -> dialect.readInstant(rs, column);
        case BOOLEAN -> {
          boolean b = rs.getBoolean(column);
          yield rs.wasNull() ? null : b;
        }
      };
      if (v != null) {
        out.put(fields.get(i).name(), List.of(v));
      }
    }
    return out;
  }
}
