package dev.rapport.crm.jdbc;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.jdbc.internal.Batches;
import dev.rapport.crm.jdbc.internal.Dialect;
import dev.rapport.crm.jdbc.internal.IndexCodec;
import dev.rapport.crm.jdbc.internal.Layout;
import dev.rapport.crm.jdbc.internal.Sql;
import dev.rapport.crm.jdbc.internal.SqlErrors;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Commits a {@link WriteBatch} (already checked with {@code StoreChecks.checkBatch}) in one transaction: the lease
 * guard, a version-checked statement per update and delete (its row count is the check), the inserts and side-table
 * rows, then the change-feed and stream rows ({@link ChangeFeed#append}). A unique violation anywhere rolls it all
 * back and is named by {@link DuplicateDiagnosis}.
 */
final class BatchWriter {
  private final JdbcContext ctx;
  private final Dialect dialect;
  private final SchemaRegistry schema;
  private final ChangeFeed feed;
  private final LeaseTable leases;
  private final DuplicateDiagnosis duplicates;

  BatchWriter(JdbcContext ctx, SchemaRegistry schema, ChangeFeed feed, LeaseTable leases) {
    this.ctx = ctx;
    this.dialect = ctx.dialect();
    this.schema = schema;
    this.feed = feed;
    this.leases = leases;
    this.duplicates = new DuplicateDiagnosis(ctx, schema, feed);
  }

  Committed commit(TenantId tenant, WriteBatch batch) {
    Instant now = ctx.now();
    try {
      return ctx.transaction("commit", c -> apply(c, tenant, batch, now));
    } catch (SqlErrors.DuplicateSignal d) {
      throw duplicates.diagnose(tenant, batch, d);
    }
  }

  private Committed apply(Connection c, TenantId tenant, WriteBatch batch, Instant now) throws SQLException {
    WriteBatch.LeaseGuard guard = batch.leaseGuard();
    if (guard != null) {
      leases.checkGuard(c, tenant, guard, now);
    }
    // With several writes, a unique value may move between documents of the batch. Unique constraints are checked
    // per statement, so updates first clear their unique columns and set them in a second pass.
    boolean twoPass = batch.writes().size() > 1;
    Map<String, List<Document>> sideRows = new LinkedHashMap<>();
    // a version-checked statement per update or delete (its row count is the check); their old side rows go in
    // one batch per side table
    try (Batches sideDeletes = new Batches(c)) {
      for (WriteBatch.Write w : batch.writes()) {
        Layout l = schema.layout(w.collection());
        if (w instanceof WriteBatch.Delete d) {
          Sql s = new Sql(dialect).append("DELETE FROM " + l.table() + " WHERE tenant = ").string(tenant.value())
              .append(" AND id = ").key(d.id()).append(" AND version = ").longValue(d.expectedVersion());
          expectOne(c, s, w, d.expectedVersion());
          deleteSideRows(sideDeletes, l, tenant, d.id());
        } else if (w instanceof WriteBatch.Update u) {
          Document doc = u.document();
          Sql s = new Sql(dialect).append("UPDATE " + l.table() + " SET version = ").longValue(doc.version())
              .append(", body = ").json(ctx.bodyJson(w.collection(), doc))
              .append(", updated_at = ").value(now);
          setColumns(s, true, l.singleIndexes(), doc, twoPass);
          setArrays(s, l, doc);
          s.append(" WHERE tenant = ").string(tenant.value()).append(" AND id = ").key(doc.id())
              .append(" AND version = ").longValue(u.expectedVersion());
          expectOne(c, s, w, u.expectedVersion());
          deleteSideRows(sideDeletes, l, tenant, doc.id());
          sideRows.computeIfAbsent(w.collection(), k -> new ArrayList<>()).add(doc);
        }
      }
      sideDeletes.execute();
    }
    if (twoPass) {
      for (WriteBatch.Write w : batch.writes()) {
        if (w instanceof WriteBatch.Update u) {
          setUniqueColumns(c, schema.layout(w.collection()), tenant, u.document());
        }
      }
    }
    // Inserts and side rows, after every versioned update has succeeded.
    List<Sql> rows = new ArrayList<>();
    for (WriteBatch.Write w : batch.writes()) {
      if (w instanceof WriteBatch.Insert i) {
        rows.add(insertRow(schema.layout(w.collection()), tenant, i.document(), now));
        sideRows.computeIfAbsent(w.collection(), k -> new ArrayList<>()).add(i.document());
      }
    }
    for (Map.Entry<String, List<Document>> e : sideRows.entrySet()) {
      Layout l = schema.layout(e.getKey());
      for (Document doc : e.getValue()) {
        insertSideRows(rows, l, tenant, doc);
      }
    }
    return feed.append(c, tenant, batch, now, rows);
  }

  /**
   * {@code Store#reindex} in one transaction: a version-checked UPDATE of the typed columns per document (its row
   * count tells whether the document is still at that version), then the side rows of the rewritten documents
   * replaced. Unique columns go in a second pass, as in a commit of several writes, so a value may move between
   * documents of the list. Nothing reaches the change feed; body, version and timestamps stay.
   */
  int reindex(TenantId tenant, String collection, List<Document> docs) {
    Layout l = schema.layout(collection);
    try {
      return ctx.transaction("reindex", c -> {
        List<Document> rewritten = new ArrayList<>();
        for (Document doc : docs) {
          // version = version: a statement even for a collection without single-valued fields, its row count the check
          Sql s = new Sql(dialect).append("UPDATE " + l.table() + " SET version = version");
          setColumns(s, true, l.singleIndexes(), doc, true);
          setArrays(s, l, doc);
          s.append(" WHERE tenant = ").string(tenant.value()).append(" AND id = ").key(doc.id())
              .append(" AND version = ").longValue(doc.version());
          if (execute(c, s) == 1) {
            rewritten.add(doc);
          }
        }
        List<Sql> rows = new ArrayList<>();
        try (Batches sideDeletes = new Batches(c)) {
          for (Document doc : rewritten) {
            setUniqueColumns(c, l, tenant, doc);
            deleteSideRows(sideDeletes, l, tenant, doc.id());
            insertSideRows(rows, l, tenant, doc);
          }
          sideDeletes.execute();
        }
        for (Sql s : Sql.mergeInserts(rows)) {
          execute(c, s);
        }
        return rewritten.size();
      });
    } catch (SqlErrors.DuplicateSignal d) {
      throw duplicates.diagnose(tenant, collection, docs, d);
    }
  }

  private Sql insertRow(Layout l, TenantId tenant, Document doc, Instant now) {
    Sql s = new Sql(dialect).append("INSERT INTO " + l.table() + " (tenant, id, version, body, created_at, "
        + "updated_at");
    for (IndexSpec x : l.singleIndexes()) {
      s.append(", " + Layout.column(x.name()));
    }
    for (IndexSpec x : l.arrayIndexes()) {
      s.append(", " + Layout.arrayColumn(x.name()));
    }
    s.append(") VALUES (").string(tenant.value()).append(", ").key(doc.id()).append(", ").longValue(1)
        .append(", ").json(ctx.bodyJson(l.spec().name(), doc))
        .append(", ").value(now).append(", ").value(now);
    for (IndexSpec x : l.singleIndexes()) {
      s.append(", ").param(columnBinder(x, doc));
    }
    for (IndexSpec x : l.arrayIndexes()) {
      s.append(", ").param(arrayBinder(x, doc));
    }
    return s.append(")");
  }

  /** {@code , a_x = ?, ...}: the array columns of {@code doc} (continuing a SET list). */
  private void setArrays(Sql s, Layout l, Document doc) {
    for (IndexSpec x : l.arrayIndexes()) {
      s.append(", " + Layout.arrayColumn(x.name()) + " = ").param(arrayBinder(x, doc));
    }
  }

  /** The values of a multi-valued string field as the array its column holds (empty when it has none). */
  private Sql.Binder arrayBinder(IndexSpec index, Document doc) {
    Object[] values = doc.values(index.name()).stream().map(v -> dialect.encodeKey((String) v)).toArray();
    String type = dialect.arrayElementType();
    return (ps, i) -> ps.setArray(i, ps.getConnection().createArrayOf(type, values));
  }

  /**
   * {@code col = ?, ...} for {@code fields} of {@code doc}, each after a comma when {@code continuing} a SET list; with
   * {@code uniqueLater}, unique columns set to NULL (the statement then takes no unique value another write of the
   * batch may still hold; {@link #setUniqueColumns} sets them).
   */
  private Sql setColumns(Sql s, boolean continuing, List<IndexSpec> fields, Document doc, boolean uniqueLater) {
    for (int n = 0; n < fields.size(); n++) {
      IndexSpec i = fields.get(n);
      s.append((continuing || n > 0 ? ", " : "") + Layout.column(i.name()) + " = ").param(columnBinder(i,
          uniqueLater && i.unique() ? null : doc));
    }
    return s;
  }

  /** The second pass of writes that set their unique columns to NULL first: the unique columns of {@code doc}. */
  private void setUniqueColumns(Connection c, Layout l, TenantId tenant, Document doc) throws SQLException {
    List<IndexSpec> unique = l.uniqueSingleIndexes();
    if (!unique.isEmpty()) {
      execute(c, setColumns(new Sql(dialect).append("UPDATE " + l.table() + " SET "), false, unique, doc, false)
          .append(" WHERE tenant = ").string(tenant.value()).append(" AND id = ").key(doc.id()));
    }
  }

  /** One statement cannot tell a missing document from another version, hence its own message. */
  private static void expectOne(Connection c, Sql s, WriteBatch.Write w, long expected) throws SQLException {
    if (execute(c, s) != 1) {
      throw new VersionConflictException(w.collection() + "/" + w.id() + ": expected version " + expected
          + " but the document is missing or has another version");
    }
  }

  private static int execute(Connection c, Sql s) throws SQLException {
    try (PreparedStatement ps = s.prepare(c)) {
      return ps.executeUpdate();
    }
  }

  private void deleteSideRows(Batches batches, Layout l, TenantId tenant, String id) throws SQLException {
    if (!l.multiIndexes().isEmpty()) {
      batches.add(new Sql(dialect).append("DELETE FROM " + l.sideTable() + " WHERE tenant = ").string(tenant.value())
          .append(" AND id = ").key(id));
    }
  }

  private void insertSideRows(List<Sql> rows, Layout l, TenantId tenant, Document doc) {
    for (IndexSpec i : l.multiIndexes()) {
      for (Object v : doc.values(i.name())) {
        Sql s = new Sql(dialect).append("INSERT INTO " + l.sideTable()
            + " (tenant, id, field, v_string, v_long, v_decimal, v_instant, v_boolean, u_value) VALUES (")
            .string(tenant.value()).append(", ").key(doc.id()).append(", ").string(i.name());
        for (IndexType t : IndexType.values()) {
          s.append(", ").param(t == i.type() ? Sql.binder(dialect, v) : nullBinder(t));
        }
        String canonical = i.unique() ? IndexCodec.canonical(i.type(), v) : null;
        s.append(", ").param(canonical == null ? (ps, n) -> ps.setNull(n, Types.VARCHAR)
            : (ps, n) -> ps.setString(n, canonical));
        rows.add(s.append(")"));
      }
    }
  }

  private Sql.Binder columnBinder(IndexSpec index, @Nullable Document doc) {
    List<Object> values = doc == null ? List.of() : doc.values(index.name());
    return values.isEmpty() ? nullBinder(index.type()) : Sql.binder(dialect, values.get(0));
  }

  private Sql.Binder nullBinder(IndexType type) {
    int sqlType = switch (type) {
      case STRING -> Types.VARCHAR;
      case LONG -> Types.BIGINT;
      case DECIMAL -> Types.DECIMAL;
      case INSTANT -> dialect.migrationFolder().equals("mariadb") ? Types.TIMESTAMP : Types.TIMESTAMP_WITH_TIMEZONE;
      case BOOLEAN -> Types.BOOLEAN;
    };
    return (ps, i) -> ps.setNull(i, sqlType);
  }
}
