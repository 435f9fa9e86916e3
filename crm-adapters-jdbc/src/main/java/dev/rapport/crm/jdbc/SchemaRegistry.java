package dev.rapport.crm.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.StorageException;
import dev.rapport.crm.jdbc.internal.Ddl;
import dev.rapport.crm.jdbc.internal.Dialect;
import dev.rapport.crm.jdbc.internal.FlywayLogs;
import dev.rapport.crm.jdbc.internal.HeldConnection;
import dev.rapport.crm.jdbc.internal.Layout;
import dev.rapport.crm.jdbc.internal.SqlErrors;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.StoreChecks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rapport's tables: the fixed ones (change feed, stream records, leases, counters, registered specs), created and
 * upgraded by Flyway, and those of each registered collection ({@link Layout}), created by idempotent DDL. Knows the
 * registered collections.
 *
 * <p>DDL runs on its own auto-commit connection of the store's {@code DataSource}, never inside a unit of work or on
 * a host's connection: MariaDB/MySQL commit implicitly.
 */
final class SchemaRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistry.class);

  private final JdbcContext ctx;
  private final Dialect dialect;
  private final Map<String, Layout> layouts = new ConcurrentHashMap<>();
  private final Object ddlLock = new Object();

  SchemaRegistry(JdbcContext ctx) {
    this.ctx = ctx;
    this.dialect = ctx.dialect();
  }

  /**
   * Creates or upgrades the fixed tables in {@code schema} (null: the connection's current schema), all on
   * {@code connection}: Flyway gets it as its only connection ({@link HeldConnection}), so a pool of one suffices.
   */
  void migrate(Connection connection, @Nullable String schema) throws SQLException {
    String catalog = connection.getCatalog();
    String current = connection.getSchema();
    var config = Flyway.configure(JdbcStore.class.getClassLoader())
        .configuration(dialect.flywaySettings())
        .dataSource(new HeldConnection(connection))
        // not under db/migration: a resource in a package-like folder is encapsulated in a named module
        .locations("classpath:META-INF/rapport/migration/" + dialect.migrationFolder())
        .table(ctx.prefix() + "schema_history")
        .placeholders(Map.of("prefix", ctx.prefix(), "json", dialect.jsonType()))
        // the host's schema may hold its own tables: start Rapport's history at 0 so V1 still runs
        .baselineOnMigrate(true)
        .baselineVersion("0");
    if (schema != null) {
      config = config.schemas(dialect.migrationFolder().equals("h2")
          ? schema.toUpperCase(Locale.ROOT) : schema);
    }
    try {
      Flyway flyway = config.load();
      FlywayLogs.during(flyway::migrate);
    } catch (FlywayException e) {
      throw migrationFailed(e);
    }
    // Flyway switches to the schema it migrates; the connection goes back to the host's pool as it came
    if (!Objects.equals(catalog, connection.getCatalog())) {
      connection.setCatalog(catalog);
    }
    if (!Objects.equals(current, connection.getSchema())) {
      connection.setSchema(current);
    }
  }

  /** A Flyway failure as Rapport's, keeping Flyway's message (it names the script and statement). */
  private StorageException migrationFailed(FlywayException e) {
    boolean retry = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        retry = dialect.isTransient(sql);
        break;
      }
    }
    return new StorageException("migrating Rapport's tables failed: " + e.getMessage(), retry, e);
  }

  void register(CollectionSpec spec) {
    Layout known = layouts.get(spec.name());
    if (known != null && known.spec().equals(spec)) {
      return;
    }
    synchronized (ddlLock) {
      known = layouts.get(spec.name());
      StoreChecks.checkCompatible(known == null ? null : known.spec(), spec);
      Layout layout = new Layout(spec, ctx.qualifier(), ctx.prefix(), dialect);
      layout.checkIndexWidths();
      try (Connection c = ctx.dataSource().getConnection()) {
        checkStoredSpec(c, spec);
        try {
          runDdl(c, layout);
        } catch (SQLException first) {
          // another node may have created the same objects at the same moment; the DDL is idempotent, so again
          LOG.debug("DDL for collection {} failed once, retrying: {}", spec.name(), first.toString());
          runDdl(c, layout);
        }
        syncIndexes(c, layout);
        try (PreparedStatement ps = c.prepareStatement(dialect.upsert(ctx.fixed("collection"),
            List.of("name", "spec", "updated_at"), List.of("name"), List.of("spec", "updated_at")))) {
          ps.setString(1, spec.name());
          ps.setString(2, specJson(spec));
          dialect.bindInstant(ps, 3, ctx.now());
          ps.executeUpdate();
        }
        if (!c.getAutoCommit()) {
          c.commit();
        }
      } catch (SQLException e) {
        throw SqlErrors.translate(dialect, e, "registering collection " + spec.name());
      }
      layouts.put(spec.name(), layout);
    }
  }

  private void runDdl(Connection c, Layout layout) throws SQLException {
    Map<String, Set<String>> existing = new HashMap<>();
    for (Ddl ddl : layout.ddl()) {
      // a drop runs where the object exists, everything else where it does not (a table: always, IF NOT EXISTS)
      boolean exists = ddl.object() != null
          && existing.computeIfAbsent(ddl.table(), t -> existing(c, t)).contains(ddl.object());
      if (ddl.drop() != exists) {
        continue;
      }
      if (ddl.drop()) {
        LOG.info("upgrading the table of an earlier release: {}", ddl.sql());
      } else {
        LOG.debug("{}", ddl.sql());
      }
      try (var st = c.createStatement()) {
        st.execute(ddl.sql());
      } catch (SQLException e) {
        if (!dialect.alreadyExists(e) && !dialect.alreadyGone(e)) {
          throw e;
        }
      }
    }
    // no parallel plans for pages (PostgreSQL: parallel_workers = 0 once, unless the table has its own setting)
    for (var t : Map.of(layout.tableName(), layout.table(), layout.sideTableName(), layout.sideTable()).entrySet()) {
      for (String sql : dialect.serialPlans(c, ctx.schema(), t.getKey(), t.getValue())) {
        try (var st = c.createStatement()) {
          LOG.debug("{}", sql);
          st.execute(sql);
        }
      }
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  /**
   * Brings the document table's declared non-unique indexes to the spec's index set: creates the missing ones and
   * drops those it no longer holds (only indexes named as Rapport names them, {@code <prefix>ix_} and
   * {@code <prefix>cx_}), online where the database can ({@link Dialect#createIndexOnline}), holding a lock every
   * node takes ({@link Dialect#withDdlLock}) so that two nodes starting together do it once. A start that finds
   * everything in place reads the catalog once, takes no lock and changes nothing. Changes to a table that holds
   * rows are logged at INFO (a schema migration); on a new, empty table at DEBUG.
   */
  private void syncIndexes(Connection c, Layout layout) throws SQLException {
    Set<String> wanted = new HashSet<>();
    layout.queryIndexes().forEach(i -> wanted.add(i.name().toLowerCase(Locale.ROOT)));
    // the usual start: everything in place, seen without taking the lock every node waits for
    if (inPlace(dialect.indexes(c, ctx.schema(), layout.tableName()), wanted, layout)) {
      return;
    }
    boolean autoCommit = c.getAutoCommit();
    if (!autoCommit) {
      c.commit();
      // PostgreSQL's CONCURRENTLY cannot run in a transaction block
      c.setAutoCommit(true);
    }
    try {
      dialect.withDdlLock(c, ctx.prefix() + "ddl_" + layout.spec().name(), () -> {
        // read again under the lock: another node may have done the work meanwhile
        Map<String, Boolean> existing = dialect.indexes(c, ctx.schema(), layout.tableName());
        Boolean empty = null;
        for (Layout.QueryIndex index : layout.queryIndexes()) {
          Boolean valid = existing.get(index.name().toLowerCase(Locale.ROOT));
          if (Boolean.TRUE.equals(valid)) {
            continue;
          }
          empty = empty != null ? empty : isEmpty(c, layout);
          if (valid != null) {
            // left INVALID by a concurrent build that died (we hold the lock: nobody is building it now)
            indexDdl(c, dialect.dropIndexOnline(index.name(), layout.table(), empty), empty);
          }
          indexDdl(c, dialect.createIndexOnline(index.name(), layout.table(), index.keys(), empty), empty);
        }
        for (String name : existing.keySet()) {
          if (layout.managed(name) && !wanted.contains(name)) {
            empty = empty != null ? empty : isEmpty(c, layout);
            indexDdl(c, dialect.dropIndexOnline(name, layout.table(), empty), empty);
          }
        }
      });
    } finally {
      if (!autoCommit) {
        c.setAutoCommit(false);
      }
    }
  }

  /** Every wanted index exists and is valid, and no managed index is left that the set no longer holds. */
  private static boolean inPlace(Map<String, Boolean> existing, Set<String> wanted, Layout layout) {
    for (String name : wanted) {
      if (!Boolean.TRUE.equals(existing.get(name))) {
        return false;
      }
    }
    return existing.keySet().stream().noneMatch(name -> layout.managed(name) && !wanted.contains(name));
  }

  private void indexDdl(Connection c, String sql, boolean emptyTable) throws SQLException {
    if (emptyTable) {
      LOG.debug("{}", sql);
    } else {
      LOG.info("changing the declared indexes: {}", sql);
    }
    try (var st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      if (!dialect.alreadyExists(e) && !dialect.alreadyGone(e)) {
        throw e;
      }
    }
  }

  private static boolean isEmpty(Connection c, Layout layout) throws SQLException {
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1 FROM " + layout.table()
        + " WHERE 1=1 LIMIT 1")) {
      return !rs.next();
    }
  }

  private Set<String> existing(Connection c, String table) {
    try {
      return dialect.existingColumnsAndIndexes(c, ctx.schema(), table);
    } catch (SQLException e) {
      throw SqlErrors.translate(dialect, e, "reading the columns of " + table);
    }
  }

  /** An index may be added to a stored spec, never redefined (its column or side rows would not match). */
  private void checkStoredSpec(Connection c, CollectionSpec spec) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT spec FROM " + ctx.fixed("collection") + " WHERE name = ?")) {
      ps.setString(1, spec.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return;
        }
        JsonNode stored = ctx.parse(rs.getString(1));
        Set<String> gained = new java.util.TreeSet<>();
        spec.indexes().forEach(i -> gained.add(i.name()));
        stored.path("indexes").forEach(i -> gained.remove(i.path("name").asText()));
        if (!gained.isEmpty()) {
          LOG.info("collection {} gains fields {}: documents stored before have no values for them until they are"
              + " reindexed (Crm.reindex(tenant) for each tenant)", spec.name(), gained);
        }
        for (JsonNode i : stored.path("indexes")) {
          Optional<IndexSpec> now = spec.index(i.path("name").asText());
          if (now.isPresent() && (now.get().type() != IndexType.valueOf(i.path("type").asText())
              || now.get().multiValued() != i.path("multiValued").asBoolean()
              || now.get().unique() != i.path("unique").asBoolean())) {
            throw ValidationException.of("collection.indexes", "collection.indexes.incompatible",
                "collection '" + spec.name() + "' already stores index '" + now.get().name()
                    + "' with another definition; add a new index instead of redefining one");
          }
        }
      }
    }
  }

  private String specJson(CollectionSpec spec) {
    ObjectNode o = ctx.json().createObjectNode();
    o.put("name", spec.name());
    ArrayNode arr = o.putArray("indexes");
    for (IndexSpec i : spec.indexes()) {
      arr.addObject().put("name", i.name()).put("type", i.type().name()).put("multiValued", i.multiValued())
          .put("unique", i.unique());
    }
    return o.toString();
  }

  List<CollectionSpec> collections() {
    return layouts.values().stream().map(Layout::spec).toList();
  }

  /** The layout of a registered collection ({@code collection.unknown} otherwise). */
  Layout layout(String collection) {
    return StoreChecks.registered(collection, layouts.get(collection));
  }

  /** The spec of a registered collection, or null. */
  @Nullable CollectionSpec specOrNull(String collection) {
    Layout l = layouts.get(collection);
    return l == null ? null : l.spec();
  }
}
