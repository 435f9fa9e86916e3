package dev.rapport.crm.jdbc;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.jdbc.internal.CriteriaSql;
import dev.rapport.crm.jdbc.internal.Dialect;
import dev.rapport.crm.jdbc.internal.Layout;
import dev.rapport.crm.jdbc.internal.Sql;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.StoreChecks;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Names the unique field a commit collided on. Vendors name the violated constraint only in message text, which we
 * never parse: after the failed transaction was rolled back (so reads work again on every database), this looks for
 * another holder of each id, unique value and record id the batch wrote.
 */
final class DuplicateDiagnosis {
  private final JdbcContext ctx;
  private final Dialect dialect;
  private final SchemaRegistry schema;
  private final ChangeFeed feed;

  DuplicateDiagnosis(JdbcContext ctx, SchemaRegistry schema, ChangeFeed feed) {
    this.ctx = ctx;
    this.dialect = ctx.dialect();
    this.schema = schema;
    this.feed = feed;
  }

  /**
   * The {@code DuplicateKeyException} naming what is taken, or, when the value was freed again before we looked (a
   * race a retry resolves), a {@code VersionConflictException} caused by the vendor's error.
   */
  RuntimeException diagnose(TenantId tenant, WriteBatch batch, RuntimeException signal) {
    RuntimeException found = ctx.read("commit", c -> find(c, tenant, batch));
    return found != null ? found : raced(signal);
  }

  /** The same for a failed {@code reindex} of {@code docs} in {@code collection}. */
  RuntimeException diagnose(TenantId tenant, String collection, List<Document> docs, RuntimeException signal) {
    RuntimeException found = ctx.read("reindex", c -> {
      Set<String> touched = new HashSet<>();
      docs.forEach(d -> touched.add(collection + "/" + d.id()));
      for (Document doc : docs) {
        DuplicateKeyException e = uniqueHeldElsewhere(c, tenant, collection, doc, touched);
        if (e != null) {
          return e;
        }
      }
      return null;
    });
    return found != null ? found : raced(signal);
  }

  private static VersionConflictException raced(RuntimeException signal) {
    VersionConflictException e = new VersionConflictException(
        "a unique value was taken by a concurrent commit; nothing was written, retry");
    e.initCause(signal.getCause());
    return e;
  }

  private @Nullable DuplicateKeyException find(Connection c, TenantId tenant, WriteBatch batch) throws SQLException {
    for (WriteBatch.Write w : batch.writes()) {
      if (w instanceof WriteBatch.Insert && exists(c, schema.layout(w.collection()), tenant, w.id())) {
        return StoreChecks.duplicateDocument(w.collection(), w.id());
      }
    }
    Set<String> touched = new HashSet<>();
    batch.writes().forEach(w -> touched.add(w.collection() + "/" + w.id()));
    for (WriteBatch.Write w : batch.writes()) {
      Document doc = w.written();
      DuplicateKeyException e = doc == null ? null : uniqueHeldElsewhere(c, tenant, w.collection(), doc, touched);
      if (e != null) {
        return e;
      }
    }
    for (WriteBatch.Append a : batch.appends()) {
      if (feed.holds(c, tenant, a.stream(), a.id())) {
        return StoreChecks.duplicateRecord(a.stream(), a.id());
      }
    }
    return null;
  }

  /**
   * The duplicate of a unique value of {@code doc} that a document outside {@code touched} (collection/id) holds, or
   * null.
   */
  private @Nullable DuplicateKeyException uniqueHeldElsewhere(Connection c, TenantId tenant, String collection,
      Document doc, Set<String> touched) throws SQLException {
    Layout l = schema.layout(collection);
    for (IndexSpec index : l.spec().indexes()) {
      if (!index.unique()) {
        continue;
      }
      for (Object v : doc.values(index.name())) {
        Sql s = new Sql(dialect).append("SELECT d.id FROM " + l.table() + " d WHERE d.tenant = ")
            .string(tenant.value()).append(" AND ");
        new CriteriaSql(l).where(Criteria.eq(index.name(), v), s);
        try (PreparedStatement ps = s.prepare(c); ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String holder = dialect.decodeKey(rs.getString(1));
            if (!holder.equals(doc.id()) && !touched.contains(collection + "/" + holder)) {
              return new DuplicateKeyException(collection, index.name());
            }
          }
        }
      }
    }
    return null;
  }

  private boolean exists(Connection c, Layout l, TenantId tenant, String id) throws SQLException {
    Sql s = new Sql(dialect).append("SELECT 1 FROM " + l.table() + " WHERE tenant = ").string(tenant.value())
        .append(" AND id = ").key(id);
    try (PreparedStatement ps = s.prepare(c); ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }
}
