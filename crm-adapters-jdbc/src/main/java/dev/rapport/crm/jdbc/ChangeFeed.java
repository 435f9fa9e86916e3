package dev.rapport.crm.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.jdbc.internal.Batches;
import dev.rapport.crm.jdbc.internal.Dialect;
import dev.rapport.crm.jdbc.internal.FeedRows;
import dev.rapport.crm.jdbc.internal.Sql;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The change feed and the streams (outbox, audit records): each commit's change rows and stream records, written in
 * the commit's transaction, and read back in position order.
 *
 * <p>Two ways to keep the promise that a reader who has seen position P never misses a later commit (module README,
 * "Change feed"): on PostgreSQL positions are numbered by transaction id and a reader returns only positions below
 * the oldest transaction still running ({@link Dialect#positionHorizon()}); elsewhere they are taken from per-tenant
 * counters whose rows stay locked from the moment a commit advances them until it ends, so positions follow commit
 * order per tenant (and per stream).
 */
final class ChangeFeed {
  /**
   * At most this many row statements share the feed statement's round trip; a bigger commit sends them as JDBC
   * batches (one round trip per table, and the driver's multi-row rewrite), which scales to any size.
   */
  private static final int MAX_TOGETHER = 64;

  private final JdbcContext ctx;
  private final Dialect dialect;

  ChangeFeed(JdbcContext ctx) {
    this.ctx = ctx;
    this.dialect = ctx.dialect();
  }

  List<Change> changes(TenantId tenant, long afterPosition, int limit) {
    return positioned("changes", "SELECT pos, collection, doc_id, version, kind, committed_at", ctx.fixed("change")
        + " WHERE tenant = ? AND pos > ? ORDER BY pos LIMIT ?", ps -> {
          ps.setString(1, tenant.value());
          ps.setLong(2, afterPosition);
          ps.setInt(3, limit);
        }, rs -> new Change(rs.getLong("pos"), rs.getString("collection"), rs.getString("doc_id"),
            rs.getLong("version"), Change.Kind.valueOf(rs.getString("kind")), dialect.readInstant(rs, "committed_at")),
        Change::position);
  }

  List<StreamRecord> read(TenantId tenant, String stream, long afterPosition, int limit) {
    return positioned("read", "SELECT pos, id, type, payload, recorded_at", ctx.fixed("stream_record")
        + " WHERE tenant = ? AND stream = ? AND pos > ? ORDER BY pos LIMIT ?", ps -> {
          ps.setString(1, tenant.value());
          ps.setString(2, stream);
          ps.setLong(3, afterPosition);
          ps.setInt(4, limit);
        }, rs -> new StreamRecord(stream, rs.getLong("pos"), rs.getString("id"), rs.getString("type"),
            (ObjectNode) ctx.parse(rs.getString("payload")), dialect.readInstant(rs, "recorded_at")),
        StreamRecord::position);
  }

  /**
   * Deletes the records of {@code stream} at {@code positions} (distinct, ascending: rows are locked in that order) in
   * one transaction, {@value #PURGE_CHUNK} positions a statement; returns how many went. Only the records table is
   * touched: the counters ({@code sequence}) stay, so positions are never handed out again, and on PostgreSQL
   * {@link Dialect#purgeable} keeps the purging transaction's own records.
   */
  int purge(TenantId tenant, String stream, List<Long> positions) {
    String guard = dialect.purgeable("pos");
    return ctx.transaction("purge", c -> {
      int deleted = 0;
      for (int from = 0; from < positions.size(); from += PURGE_CHUNK) {
        List<Long> chunk = positions.subList(from, Math.min(positions.size(), from + PURGE_CHUNK));
        Sql delete = new Sql(dialect).append("DELETE FROM " + ctx.fixed("stream_record") + " WHERE tenant = ")
            .string(tenant.value()).append(" AND stream = ").string(stream).append(" AND pos IN (");
        for (int i = 0; i < chunk.size(); i++) {
          delete.append(i == 0 ? "" : ", ").longValue(chunk.get(i));
        }
        delete.append(guard == null ? ")" : ") AND " + guard);
        try (PreparedStatement ps = delete.prepare(c)) {
          deleted += ps.executeUpdate();
        }
      }
      return deleted;
    });
  }

  /** Positions per DELETE of a purge: a bounded IN list (statement size, the planner's work per statement). */
  static final int PURGE_CHUNK = 500;

  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /**
   * Rows read in position order, the horizon the same statement saw (Long.MAX_VALUE where there is none), and whether
   * looking again can move it (not inside a host's open transaction, whose own id or snapshot may be what holds it).
   */
  private record Look<T>(List<T> rows, long horizon, boolean mayMove) {}

  /**
   * Rows in position order. Where positions are not taken in commit order ({@link Dialect#positionHorizon()}), only
   * the rows below the horizon are returned, and when the first look sees committed rows at or above it (a commit
   * whose position is above one of a transaction still running), the reader looks again for up to
   * {@link #HORIZON_WAIT_MILLIS} until the horizon has passed them: so a change is in the feed as soon as its commit
   * has returned unless a transaction older than it stays open longer than that. A read inside a host's open
   * transaction does not wait: its own rows are not committed yet, and its snapshot may not move.
   */
  private <T> List<T> positioned(String what, String select, String fromWhere, JdbcContext.Params params, Row<T> row,
      ToLongFunction<T> position) {
    String horizon = dialect.positionHorizon();
    String sql = select + (horizon == null ? "" : ", " + horizon + " AS horizon") + " FROM " + fromWhere;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HORIZON_WAIT_MILLIS);
    long wanted = Long.MIN_VALUE;
    while (true) {
      Look<T> look = ctx.read(what, c -> {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          params.bind(ps);
          List<T> out = new ArrayList<>();
          long h = Long.MAX_VALUE;
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(row.read(rs));
              if (horizon != null) {
                h = rs.getLong("horizon");
              }
            }
          }
          return new Look<>(out, h, c.getAutoCommit());
        }
      });
      List<T> rows = look.rows();
      int safe = 0;
      while (safe < rows.size() && position.applyAsLong(rows.get(safe)) < look.horizon()) {
        safe++;
      }
      if (safe == rows.size()) {
        return rows;
      }
      if (wanted == Long.MIN_VALUE) {
        wanted = position.applyAsLong(rows.get(rows.size() - 1));
      }
      if (look.horizon() > wanted || !look.mayMove() || System.nanoTime() - deadline > 0) {
        return rows.subList(0, safe);
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return rows.subList(0, safe);
      }
    }
  }

  /** How long a read of the feed waits for transactions older than the commits it sees (see {@link #positioned}). */
  static final long HORIZON_WAIT_MILLIS = 2_000;

  /** Whether a record id is already in a stream of the tenant. */
  boolean holds(Connection c, TenantId tenant, String stream, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM " + ctx.fixed("stream_record") + " WHERE tenant = ? AND stream = ? AND id = ?")) {
      ps.setString(1, tenant.value());
      ps.setString(2, stream);
      ps.setString(3, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * The last statements of a commit: {@code rows} (its document and side-table inserts) and the batch's change rows
   * and stream records at their new positions. A small commit sends its rows and the feed statement in one round
   * trip, where the dialect can (then only the commit is left); a large one sends one JDBC batch per table first.
   */
  Committed append(Connection c, TenantId tenant, WriteBatch batch, Instant now, List<Sql> rows)
      throws SQLException {
    FeedRows feed = feedRows(tenant, batch, now);
    Sql fused = feed.counters().isEmpty() ? null
        : dialect.reserveAndAppend(feed, ctx.fixed("sequence"), ctx.fixed("change"), ctx.fixed("stream_record"));
    if (fused != null && dialect.sendsStatementsTogether() && rows.size() <= MAX_TOGETHER) {
      Sql together = new Sql(dialect);
      Sql.mergeInserts(rows).forEach(together::then);
      return committed(batch, feed, reserve(c, together.then(fused)));
    }
    try (Batches batches = new Batches(c)) {
      for (Sql row : rows) {
        batches.add(row);
      }
      batches.execute();
    }
    if (fused != null) {
      return committed(batch, feed, reserve(c, fused));
    }
    return committed(batch, feed, appendFeeds(c, feed));
  }

  /**
   * The feed rows of a batch: one change row per write on the change-feed counter, one record per append on its
   * stream's counter. Counters are in name order, the order they are locked in, so two commits never deadlock on
   * them; a row's position is its counter's new value minus its {@code back}.
   */
  private FeedRows feedRows(TenantId tenant, WriteBatch batch, Instant now) {
    Map<String, Integer> counts = new TreeMap<>();
    if (!batch.writes().isEmpty()) {
      counts.put(FeedRows.CHANGES, batch.writes().size());
    }
    for (WriteBatch.Append a : batch.appends()) {
      counts.merge(FeedRows.streamCounter(a.stream()), 1, Integer::sum);
    }
    List<FeedRows.ChangeRow> changes = new ArrayList<>(batch.writes().size());
    long back = batch.writes().size();
    for (WriteBatch.Write w : batch.writes()) {
      changes.add(new FeedRows.ChangeRow(FeedRows.CHANGES, w.collection(), w.id(), w.version(), w.kind(), --back));
    }
    Map<String, Integer> left = new HashMap<>(counts);
    List<FeedRows.RecordRow> records = new ArrayList<>(batch.appends().size());
    for (WriteBatch.Append a : batch.appends()) {
      String counter = FeedRows.streamCounter(a.stream());
      int remaining = left.merge(counter, -1, Integer::sum);
      records.add(new FeedRows.RecordRow(counter, a.stream(), a.id(), a.type(), ctx.payloadJson(a),
          remaining));
    }
    List<FeedRows.Counter> counters = new ArrayList<>(counts.size());
    counts.forEach((name, n) -> counters.add(new FeedRows.Counter(name, n)));
    return new FeedRows(tenant.value(), now, counters, changes, records);
  }

  /** Runs the dialect's reserve-and-append statement (after any statements sent with it); counter → new value. */
  private static Map<String, Long> reserve(Connection c, Sql statements) throws SQLException {
    Map<String, Long> last = new HashMap<>();
    try (PreparedStatement ps = statements.prepare(c)) {
      boolean resultSet = ps.execute();
      while (!resultSet) {
        if (ps.getUpdateCount() == -1) {
          throw new IllegalStateException("the reserve-and-append statement returned no counters");
        }
        resultSet = ps.getMoreResults();
      }
      try (ResultSet rs = ps.getResultSet()) {
        while (rs.next()) {
          last.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return last;
  }

  private static Committed committed(WriteBatch batch, FeedRows feed, Map<String, Long> last) {
    return Committed.of(batch, feed.now(),
        i -> last.get(feed.changes().get(i).counter()) - feed.changes().get(i).back(),
        j -> last.get(feed.records().get(j).counter()) - feed.records().get(j).back());
  }

  /**
   * Where the dialect has no {@link Dialect#reserveAndAppend} statement: reserves positions counter by counter, then
   * inserts change rows and stream records in one batch each. Counters are locked in name order and stay locked until
   * the transaction ends: that is what makes positions follow commit order per tenant (see README, "Change feed").
   */
  private Map<String, Long> appendFeeds(Connection c, FeedRows feed) throws SQLException {
    Map<String, Long> last = new HashMap<>();
    for (FeedRows.Counter counter : feed.counters()) {
      last.put(counter.name(), allocate(c, feed.tenant(), counter.name(), counter.count()));
    }
    if (!feed.changes().isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ctx.fixed("change")
          + " (tenant, pos, collection, doc_id, version, kind, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (FeedRows.ChangeRow r : feed.changes()) {
          ps.setString(1, feed.tenant());
          ps.setLong(2, last.get(r.counter()) - r.back());
          ps.setString(3, r.collection());
          ps.setString(4, r.docId());
          ps.setLong(5, r.version());
          ps.setString(6, r.kind().name());
          dialect.bindInstant(ps, 7, feed.now());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (!feed.records().isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ctx.fixed("stream_record")
          + " (tenant, stream, pos, id, type, payload, recorded_at) VALUES (?, ?, ?, ?, ?, "
          + dialect.jsonParameter() + ", ?)")) {
        for (FeedRows.RecordRow r : feed.records()) {
          ps.setString(1, feed.tenant());
          ps.setString(2, r.stream());
          ps.setLong(3, last.get(r.counter()) - r.back());
          ps.setString(4, r.id());
          ps.setString(5, r.type());
          ps.setString(6, r.payload());
          dialect.bindInstant(ps, 7, feed.now());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return last;
  }

  /** Advances counter {@code name} by {@code n}, creating it if missing; returns its new value. Locks its row. */
  private long allocate(Connection c, String tenant, String name, int n) throws SQLException {
    String lastValue = dialect.quote("last_value");
    String update = "UPDATE " + ctx.fixed("sequence") + " SET " + lastValue + " = " + lastValue
        + " + ? WHERE tenant = ? AND name = ?";
    if (bumpCounter(c, update, tenant, name, n) == 0) {
      ctx.insertIfAbsent(c, dialect.upsert(ctx.fixed("sequence"),
          List.of("tenant", "name", lastValue), List.of("tenant", "name"), List.of()), ps -> {
            ps.setString(1, tenant);
            ps.setString(2, name);
            ps.setLong(3, 0);
          });
      if (bumpCounter(c, update, tenant, name, n) != 1) {
        // H2 only: another transaction created the counter and has not committed yet
        throw new VersionConflictException("position counter " + name + " is being created concurrently; retry");
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + lastValue + " FROM " + ctx.fixed("sequence") + " WHERE tenant = ? AND name = ?")) {
      ps.setString(1, tenant);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static int bumpCounter(Connection c, String sql, String tenant, String name, int n) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, n);
      ps.setString(2, tenant);
      ps.setString(3, name);
      return ps.executeUpdate();
    }
  }
}
