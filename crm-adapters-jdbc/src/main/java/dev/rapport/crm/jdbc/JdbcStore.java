package dev.rapport.crm.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.StorageException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.jdbc.internal.Batches;
import dev.rapport.crm.jdbc.internal.CriteriaSql;
import dev.rapport.crm.jdbc.internal.Dialect;
import dev.rapport.crm.jdbc.internal.FeedRows;
import dev.rapport.crm.jdbc.internal.IndexCodec;
import dev.rapport.crm.jdbc.internal.Layout;
import dev.rapport.crm.jdbc.internal.Sql;
import dev.rapport.crm.jdbc.internal.SqlErrors;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Cursor;
import dev.rapport.crm.query.Keyset;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.query.Values;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.FeedArguments;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage kernel on a relational database: PostgreSQL 12+, MariaDB 10.6+ / MySQL 8.0.19+, or H2 2.x (the embedded
 * default). One table per collection (JSON body, a typed column per single-valued index, a side table for
 * multi-valued ones), fixed tables for the change feed, stream records, leases and position counters, created and
 * upgraded by Flyway on {@link Builder#build()}.
 *
 * <pre>{@code
 * Store store = JdbcStore.h2File(Path.of("data/rapport"));            // embedded, survives restarts
 * Store pg = JdbcStore.postgres(dataSource);                           // the host's pool
 * Store inHostTx = JdbcStore.builder(JdbcStore.Database.POSTGRESQL, dataSource)
 *     .schema("crm").connectionProvider(() -> DataSourceUtils.getConnection(dataSource)).build();
 * }</pre>
 *
 * <p>Rapport never opens a pool and never closes the host's {@code DataSource}. Each unit of work is one
 * transaction on a connection from it, unless a {@link ConnectionProvider} joins the host's transaction. See the
 * module README for the change-feed and lease mechanisms.
 */
public final class JdbcStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
  private static final Pattern SCHEMA = Pattern.compile("[a-z][a-z0-9_]{0,30}");
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,15}");
  private static final int MAX_STREAM_NAME = 200;
  private static final int MAX_NAME = 255;
  private static final String CHANGE_SEQUENCE = "c";
  /**
   * At most this many row statements share the feed statement's round trip; a bigger commit sends them as JDBC
   * batches (one round trip per table, and the driver's multi-row rewrite), which scales to any size.
   */
  private static final int MAX_TOGETHER = 64;

  /** The supported databases. */
  public enum Database {
    POSTGRESQL, MARIADB, H2
  }

  private final DataSource dataSource;
  private final @Nullable ConnectionProvider connectionProvider;
  private final Dialect dialect;
  private final Clock clock;
  private final String prefix;
  private final String qualifier;
  private final Set<Capability> capabilities;
  // Exact decimals: a body's BigDecimal comes back with its digits and scale, not as a double.
  private final ObjectMapper json = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
  private final Map<String, Layout> layouts = new ConcurrentHashMap<>();
  private final Object ddlLock = new Object();

  private JdbcStore(Builder b) {
    this.dataSource = b.dataSource;
    this.connectionProvider = b.connectionProvider;
    this.dialect = switch (b.database) {
      case POSTGRESQL -> Dialect.postgres();
      case MARIADB -> Dialect.mariadb();
      case H2 -> Dialect.h2();
    };
    this.clock = b.clock;
    this.prefix = b.prefix;
    this.qualifier = b.schema == null ? "" : b.schema + ".";
    boolean durable = true;
    try (Connection c = dataSource.getConnection()) {
      dialect.init(c);
      durable = !c.getMetaData().getURL().startsWith("jdbc:h2:mem:");
    } catch (SQLException e) {
      throw SqlErrors.translate(dialect, e, "connecting");
    }
    EnumSet<Capability> caps = EnumSet.of(Capability.MULTI_DOCUMENT_TRANSACTIONS, Capability.HOST_TRANSACTIONS);
    if (durable) {
      caps.add(Capability.DURABLE);
    }
    if (dialect.skipLocked()) {
      caps.add(Capability.SKIP_LOCKED);
    }
    this.capabilities = Set.copyOf(caps);
    migrate(b.schema);
  }

  /** A store on PostgreSQL 12+ in the connection's default schema, with table prefix {@code rapport_}. */
  public static JdbcStore postgres(DataSource dataSource) {
    return builder(Database.POSTGRESQL, dataSource).build();
  }

  /** A store on MariaDB 10.6+ or MySQL 8.0.19+ in the connection's database. */
  public static JdbcStore mariadb(DataSource dataSource) {
    return builder(Database.MARIADB, dataSource).build();
  }

  /** A store on H2 2.x. Set {@code LOCK_TIMEOUT} on the URL (e.g. 10000): H2's default of 1 s is short for writers. */
  public static JdbcStore h2(DataSource dataSource) {
    return builder(Database.H2, dataSource).build();
  }

  /**
   * The embedded default: an H2 database in file {@code path} (H2 adds {@code .mv.db}), created on first use and kept
   * open for the life of the JVM, so data survives restarts.
   */
  public static JdbcStore h2File(Path path) {
    Objects.requireNonNull(path, "path");
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + path.toAbsolutePath() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
    return h2(ds);
  }

  public static Builder builder(Database database, DataSource dataSource) {
    return new Builder(database, dataSource);
  }

  /** Options; each setter validates at once. */
  public static final class Builder {
    private final Database database;
    private final DataSource dataSource;
    private @Nullable ConnectionProvider connectionProvider;
    private Clock clock = Clock.systemUTC();
    private String prefix = "rapport_";
    private @Nullable String schema;

    private Builder(Database database, DataSource dataSource) {
      this.database = Objects.requireNonNull(database, "database");
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Joins the host's transaction for every unit of work; see {@link ConnectionProvider}. */
    public Builder connectionProvider(ConnectionProvider provider) {
      this.connectionProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** The clock for commit times and lease expiry (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Prefix of every table and index name (default {@code rapport_}): 1-16 of a-z, 0-9, '_'. */
    public Builder tablePrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!PREFIX.matcher(prefix).matches()) {
        throw ValidationException.of("tablePrefix", "jdbc.prefix", "table prefix must be 1-16 of a-z, 0-9, '_'");
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * The schema (a database on MariaDB/MySQL) holding Rapport's tables, created if missing; default: the
     * connection's current schema. 1-31 of a-z, 0-9, '_'.
     */
    public Builder schema(String schema) {
      Objects.requireNonNull(schema, "schema");
      if (!SCHEMA.matcher(schema).matches()) {
        throw ValidationException.of("schema", "jdbc.schema", "schema must be 1-31 of a-z, 0-9, '_'");
      }
      this.schema = schema;
      return this;
    }

    /** Connects, runs the migrations (a no-op when the schema is current) and returns the store. */
    public JdbcStore build() {
      return new JdbcStore(this);
    }
  }

  // --- schema ------------------------------------------------------------------------------------------------------

  private void migrate(@Nullable String schema) {
    var config = Flyway.configure(JdbcStore.class.getClassLoader())
        .dataSource(dataSource)
        // not under db/migration: a resource in a package-like folder is encapsulated in a named module
        .locations("classpath:META-INF/rapport/migration/" + dialect.migrationFolder())
        .table(prefix + "schema_history")
        .placeholders(Map.of("prefix", prefix, "json", dialect.jsonType()))
        // the host's schema may hold its own tables: start Rapport's history at 0 so V1 still runs
        .baselineOnMigrate(true)
        .baselineVersion("0");
    if (schema != null) {
      config = config.schemas(dialect.migrationFolder().equals("h2")
          ? schema.toUpperCase(Locale.ROOT) : schema);
    }
    config.load().migrate();
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public void register(CollectionSpec spec) {
    Objects.requireNonNull(spec, "spec");
    Layout known = layouts.get(spec.name());
    if (known != null && known.spec().equals(spec)) {
      return;
    }
    synchronized (ddlLock) {
      known = layouts.get(spec.name());
      if (known != null && !spec.indexes().containsAll(known.spec().indexes())) {
        throw ValidationException.of("collection.indexes", "collection.indexes.incompatible",
            "collection '" + spec.name() + "' is registered with indexes " + known.spec().indexes()
                + "; a new spec may only add indexes");
      }
      Layout layout = new Layout(spec, qualifier, prefix, dialect);
      // DDL runs on its own auto-commit connection, never inside a unit of work: MariaDB/MySQL commit implicitly.
      try (Connection c = dataSource.getConnection()) {
        checkStoredSpec(c, spec);
        try {
          runDdl(c, layout);
        } catch (SQLException first) {
          // another node may have created the same objects at the same moment; the DDL is idempotent, so again
          LOG.debug("DDL for collection {} failed once, retrying: {}", spec.name(), first.toString());
          runDdl(c, layout);
        }
        try (PreparedStatement ps = c.prepareStatement(dialect.upsert(qualifier + prefix + "collection",
            List.of("name", "spec", "updated_at"), List.of("name"), List.of("spec", "updated_at")))) {
          ps.setString(1, spec.name());
          ps.setString(2, specJson(spec));
          dialect.bindInstant(ps, 3, now());
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
    for (String ddl : layout.ddl()) {
      try (var st = c.createStatement()) {
        LOG.debug("{}", ddl);
        st.execute(ddl);
      } catch (SQLException e) {
        if (!dialect.alreadyExists(e)) {
          throw e;
        }
      }
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  /** An index may be added to a stored spec, never redefined (its column or side rows would not match). */
  private void checkStoredSpec(Connection c, CollectionSpec spec) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT spec FROM " + qualifier + prefix + "collection WHERE name = ?")) {
      ps.setString(1, spec.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return;
        }
        JsonNode stored = parse(rs.getString(1));
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
    ObjectNode o = json.createObjectNode();
    o.put("name", spec.name());
    ArrayNode arr = o.putArray("indexes");
    for (IndexSpec i : spec.indexes()) {
      arr.addObject().put("name", i.name()).put("type", i.type().name()).put("multiValued", i.multiValued())
          .put("unique", i.unique());
    }
    return o.toString();
  }

  @Override
  public List<CollectionSpec> collections() {
    return layouts.values().stream().map(Layout::spec).toList();
  }

  private Layout layout(String collection) {
    Layout l = layouts.get(collection);
    if (l == null) {
      throw ValidationException.of("collection", "collection.unknown",
          "collection '" + collection + "' is not registered");
    }
    return l;
  }

  // --- reads -------------------------------------------------------------------------------------------------------

  @Override
  public Optional<Document> get(TenantId tenant, String collection, String id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(id, "id");
    Layout l = layout(collection);
    Sql s = selectDocs(l, tenant).append(" AND d.id = ").key(id);
    return read("get", c -> first(c, l, s));
  }

  @Override
  public Optional<Document> findUnique(TenantId tenant, String collection, String field, Object value) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    Layout l = layout(collection);
    Object v = Values.normalize(field, value);
    IndexSpec index = l.spec().index(field).filter(IndexSpec::unique).orElseThrow(() -> ValidationException.of(
        "field", "index.notUnique", "collection '" + collection + "' has no unique index '" + field + "'"));
    if (!index.type().accepts(v)) {
      throw ValidationException.of("value", "index.type",
          "field '" + field + "' holds " + index.type() + " values, not " + v.getClass().getSimpleName());
    }
    Sql s = selectDocs(l, tenant).append(" AND ");
    new CriteriaSql(l).where(Criteria.eq(field, v), s);
    return read("findUnique", c -> first(c, l, s));
  }

  @Override
  public Page<Document> query(TenantId tenant, String collection, Query query) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(query, "query");
    Layout l = layout(collection);
    List<Sort.Key> keys = query.sort().effectiveKeys();
    Sql s = pageSql(tenant, collection, query);
    List<Document> docs = read("query", c -> all(c, l, s));
    boolean more = docs.size() > query.limit();
    List<Document> items = more ? docs.subList(0, query.limit()) : docs;
    String next = null;
    if (more) {
      Document last = items.get(items.size() - 1);
      List<@Nullable Object> values = new ArrayList<>(keys.size());
      for (Sort.Key k : keys) {
        List<Object> vs = last.values(k.field());
        values.add(vs.isEmpty() ? null : vs.get(0));
      }
      next = new Cursor(values).encode();
    }
    return new Page<>(items, next);
  }

  /**
   * The statement {@link #query} runs for one page (limit + 1 rows, to know whether there is a next page). Package
   * private so tests can EXPLAIN the exact statement shape (see {@code PostgresGenericPlanTest}).
   */
  Sql pageSql(TenantId tenant, String collection, Query query) {
    Layout l = layout(collection);
    l.spec().check(query.criteria());
    l.spec().check(query.sort());
    List<Sort.Key> keys = query.sort().effectiveKeys();
    Criteria filter = query.criteria();
    if (query.cursor() != null) {
      Cursor cursor = Cursor.decode(query.cursor());
      checkCursor(l.spec(), keys, cursor);
      filter = Criteria.and(filter, Keyset.after(query.sort(), cursor));
    }
    CriteriaSql translator = new CriteriaSql(l);
    Sql s = selectDocs(l, tenant).append(" AND ");
    translator.where(filter, s);
    // the limit is a literal (a number, not input text): as a parameter, PostgreSQL's generic plan assumes a limit
    // of 10% of the rows and sorts every candidate, wide rows included, before the semi-join instead of a top-N
    return s.append(translator.orderBy(query.sort(), dialect)).append(" LIMIT " + (query.limit() + 1L));
  }

  /** Rejects cursor values a query of this sort cannot have produced (a tampered or foreign cursor). */
  private static void checkCursor(CollectionSpec spec, List<Sort.Key> keys, Cursor cursor) {
    boolean ok = cursor.values().size() == keys.size();
    for (int i = 0; ok && i < keys.size(); i++) {
      Object v = cursor.values().get(i);
      String field = keys.get(i).field();
      ok = v == null ? !field.equals(Sort.ID) : spec.typeOf(field).orElseThrow().accepts(v);
    }
    if (!ok) {
      throw ValidationException.of("cursor", "cursor.invalid", "the cursor is not one this query produced");
    }
  }

  @Override
  public long count(TenantId tenant, String collection, Criteria criteria) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(criteria, "criteria");
    Layout l = layout(collection);
    l.spec().check(criteria);
    Sql s = new Sql(dialect).append("SELECT COUNT(*) FROM " + l.table() + " d WHERE d.tenant = ")
        .string(tenant.value()).append(" AND ");
    new CriteriaSql(l).where(criteria, s);
    return read("count", c -> {
      try (PreparedStatement ps = s.prepare(c); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private Sql selectDocs(Layout l, TenantId tenant) {
    return new Sql(dialect).append("SELECT d.id, d.version, d.body, d.idx FROM " + l.table() + " d WHERE d.tenant = ")
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
        out.add(new Document(dialect.decodeKey(rs.getString(1)), rs.getLong(2), (ObjectNode) parse(rs.getString(3)),
            IndexCodec.decode(parse(rs.getString(4)), l.spec())));
      }
    }
    return out;
  }

  @Override
  public List<Change> changes(TenantId tenant, long afterPosition, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    FeedArguments.check(afterPosition, limit);
    return read("changes", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT pos, collection, doc_id, version, kind, committed_at FROM "
          + fixed("change") + " WHERE tenant = ? AND pos > ? ORDER BY pos LIMIT ?")) {
        ps.setString(1, tenant.value());
        ps.setLong(2, afterPosition);
        ps.setInt(3, limit);
        List<Change> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Change(rs.getLong("pos"), rs.getString("collection"), rs.getString("doc_id"),
                rs.getLong("version"), Change.Kind.valueOf(rs.getString("kind")),
                dialect.readInstant(rs, "committed_at")));
          }
        }
        return out;
      }
    });
  }

  @Override
  public List<StreamRecord> read(TenantId tenant, String stream, long afterPosition, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(stream, "stream");
    FeedArguments.check(afterPosition, limit);
    return read("read", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT pos, id, type, payload, recorded_at FROM "
          + fixed("stream_record") + " WHERE tenant = ? AND stream = ? AND pos > ? ORDER BY pos LIMIT ?")) {
        ps.setString(1, tenant.value());
        ps.setString(2, stream);
        ps.setLong(3, afterPosition);
        ps.setInt(4, limit);
        List<StreamRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new StreamRecord(stream, rs.getLong("pos"), rs.getString("id"), rs.getString("type"),
                (ObjectNode) parse(rs.getString("payload")), dialect.readInstant(rs, "recorded_at")));
          }
        }
        return out;
      }
    });
  }


  // --- commit ------------------------------------------------------------------------------------------------------

  @Override
  public Committed commit(TenantId tenant, WriteBatch batch) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(batch, "batch");
    for (WriteBatch.Write w : batch.writes()) {
      Layout l = layout(w.collection());
      if (w instanceof WriteBatch.Insert i) {
        l.spec().check(i.document());
      } else if (w instanceof WriteBatch.Update u) {
        l.spec().check(u.document());
      }
    }
    for (WriteBatch.Append a : batch.appends()) {
      checkLength("appends.stream", a.stream(), MAX_STREAM_NAME);
      checkLength("appends.id", a.id(), MAX_NAME);
      checkLength("appends.type", a.type(), MAX_NAME);
    }
    checkUniqueWithinBatch(batch);
    Instant now = now();
    try {
      return transaction("commit", c -> apply(c, tenant, batch, now));
    } catch (SqlErrors.DuplicateSignal d) {
      throw diagnoseDuplicate(tenant, batch, d);
    }
  }

  private static void checkLength(String path, String value, int max) {
    if (value.isEmpty() || value.length() > max) {
      throw ValidationException.of(path, "length", path + " must be 1-" + max + " characters");
    }
  }

  /** Two documents of one batch claiming one unique value: known without asking the database. */
  private void checkUniqueWithinBatch(WriteBatch batch) {
    Map<List<Object>, String> claims = new HashMap<>();
    for (WriteBatch.Write w : batch.writes()) {
      Document doc = newState(w);
      if (doc == null) {
        continue;
      }
      for (IndexSpec index : layout(w.collection()).spec().indexes()) {
        if (index.unique()) {
          for (Object v : doc.values(index.name())) {
            String other = claims.putIfAbsent(List.of(w.collection(), index.name(), unique(v)), doc.id());
            if (other != null && !other.equals(doc.id())) {
              throw new DuplicateKeyException(w.collection(), index.name());
            }
          }
        }
      }
    }
  }

  /** BigDecimal equality ignores scale for unique values, as the database does. */
  private static Object unique(Object v) {
    return v instanceof java.math.BigDecimal d ? d.stripTrailingZeros().toPlainString() : v;
  }

  private static @Nullable Document newState(WriteBatch.Write w) {
    if (w instanceof WriteBatch.Insert i) {
      return i.document();
    } else if (w instanceof WriteBatch.Update u) {
      return u.document();
    }
    return null;
  }

  private Committed apply(Connection c, TenantId tenant, WriteBatch batch, Instant now) throws SQLException {
    WriteBatch.LeaseGuard guard = batch.leaseGuard();
    if (guard != null) {
      checkGuard(c, tenant, guard, now);
    }
    // With several writes, a unique value may move between documents of the batch. Unique constraints are checked
    // per statement, so updates first clear their unique columns and set them in a second pass.
    boolean twoPass = batch.writes().size() > 1;
    Map<String, List<Document>> sideRows = new LinkedHashMap<>();
    // a version-checked statement per update or delete (its row count is the check); their old side rows go in
    // one batch per side table
    try (Batches sideDeletes = new Batches(c)) {
      for (WriteBatch.Write w : batch.writes()) {
        Layout l = layout(w.collection());
        if (w instanceof WriteBatch.Delete d) {
          Sql s = new Sql(dialect).append("DELETE FROM " + l.table() + " WHERE tenant = ").string(tenant.value())
              .append(" AND id = ").key(d.id()).append(" AND version = ").longValue(d.expectedVersion());
          expectOne(c, s, w, d.expectedVersion());
          deleteSideRows(sideDeletes, l, tenant, d.id());
        } else if (w instanceof WriteBatch.Update u) {
          Document doc = u.document();
          Sql s = new Sql(dialect).append("UPDATE " + l.table() + " SET version = ").longValue(doc.version())
              .append(", body = ").json(toJson(doc.body()))
              .append(", idx = ").json(toJson(IndexCodec.encode(doc.index())))
              .append(", updated_at = ").value(now);
          for (IndexSpec i : l.singleIndexes()) {
            s.append(", " + Layout.column(i.name()) + " = ").param(columnBinder(i, twoPass && i.unique() ? null : doc));
          }
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
        Layout l = layout(w.collection());
        List<IndexSpec> unique = l.singleIndexes().stream().filter(IndexSpec::unique).toList();
        if (w instanceof WriteBatch.Update u && !unique.isEmpty()) {
          Sql s = new Sql(dialect).append("UPDATE " + l.table() + " SET ");
          for (int n = 0; n < unique.size(); n++) {
            s.append((n == 0 ? "" : ", ") + Layout.column(unique.get(n).name()) + " = ")
                .param(columnBinder(unique.get(n), u.document()));
          }
          s.append(" WHERE tenant = ").string(tenant.value()).append(" AND id = ").key(u.id());
          execute(c, s);
        }
      }
    }
    // Inserts and side rows, after every versioned update has succeeded.
    List<Sql> rows = new ArrayList<>();
    for (WriteBatch.Write w : batch.writes()) {
      if (w instanceof WriteBatch.Insert i) {
        rows.add(insertRow(layout(w.collection()), tenant, i.document(), now));
        sideRows.computeIfAbsent(w.collection(), k -> new ArrayList<>()).add(i.document());
      }
    }
    for (Map.Entry<String, List<Document>> e : sideRows.entrySet()) {
      Layout l = layout(e.getKey());
      for (Document doc : e.getValue()) {
        insertSideRows(rows, l, tenant, doc);
      }
    }
    FeedRows feed = feedRows(tenant, batch, now);
    Sql fused = feed.counters().isEmpty() ? null
        : dialect.reserveAndAppend(feed, fixed("sequence"), fixed("change"), fixed("stream_record"));
    if (fused != null && dialect.sendsStatementsTogether() && rows.size() <= MAX_TOGETHER) {
      // a small commit: its rows and the feed statement in one round trip (then only the commit is left)
      Sql together = new Sql(dialect);
      Sql.mergeInserts(rows).forEach(together::then);
      return committed(batch, feed, reserve(c, together.then(fused)));
    }
    // the bulk path: one JDBC batch per table
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

  private Sql insertRow(Layout l, TenantId tenant, Document doc, Instant now) {
    Sql s = new Sql(dialect).append("INSERT INTO " + l.table() + " (tenant, id, version, body, idx, created_at, "
        + "updated_at");
    for (IndexSpec x : l.singleIndexes()) {
      s.append(", " + Layout.column(x.name()));
    }
    s.append(") VALUES (").string(tenant.value()).append(", ").key(doc.id()).append(", ").longValue(1)
        .append(", ").json(toJson(doc.body()))
        .append(", ").json(toJson(IndexCodec.encode(doc.index())))
        .append(", ").value(now).append(", ").value(now);
    for (IndexSpec x : l.singleIndexes()) {
      s.append(", ").param(columnBinder(x, doc));
    }
    return s.append(")");
  }

  /**
   * The feed rows of a batch: one change row per write on the change-feed counter, one record per append on its
   * stream's counter. Counters are in name order, the order they are locked in, so two commits never deadlock on
   * them; a row's position is its counter's new value minus its {@code back}.
   */
  private FeedRows feedRows(TenantId tenant, WriteBatch batch, Instant now) {
    Map<String, Integer> counts = new TreeMap<>();
    if (!batch.writes().isEmpty()) {
      counts.put(CHANGE_SEQUENCE, batch.writes().size());
    }
    for (WriteBatch.Append a : batch.appends()) {
      counts.merge(streamCounter(a.stream()), 1, Integer::sum);
    }
    List<FeedRows.ChangeRow> changes = new ArrayList<>(batch.writes().size());
    long back = batch.writes().size();
    for (WriteBatch.Write w : batch.writes()) {
      back--;
      if (w instanceof WriteBatch.Delete d) {
        changes.add(new FeedRows.ChangeRow(CHANGE_SEQUENCE, w.collection(), w.id(), d.expectedVersion(),
            Change.Kind.DELETE, back));
      } else {
        changes.add(new FeedRows.ChangeRow(CHANGE_SEQUENCE, w.collection(), w.id(),
            Objects.requireNonNull(newState(w)).version(),
            w instanceof WriteBatch.Insert ? Change.Kind.INSERT : Change.Kind.UPDATE, back));
      }
    }
    Map<String, Integer> left = new HashMap<>(counts);
    List<FeedRows.RecordRow> records = new ArrayList<>(batch.appends().size());
    for (WriteBatch.Append a : batch.appends()) {
      String counter = streamCounter(a.stream());
      int remaining = left.merge(counter, -1, Integer::sum);
      records.add(new FeedRows.RecordRow(counter, a.stream(), a.id(), a.type(), toJson(a.payload()), remaining));
    }
    List<FeedRows.Counter> counters = new ArrayList<>(counts.size());
    counts.forEach((name, n) -> counters.add(new FeedRows.Counter(name, n)));
    return new FeedRows(tenant.value(), now, counters, changes, records);
  }

  private static String streamCounter(String stream) {
    return "s:" + stream;
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
    List<Change> changes = new ArrayList<>(feed.changes().size());
    for (FeedRows.ChangeRow r : feed.changes()) {
      changes.add(new Change(last.get(r.counter()) - r.back(), r.collection(), r.docId(), r.version(),
          r.kind(), feed.now()));
    }
    List<StreamRecord> records = new ArrayList<>(feed.records().size());
    for (int i = 0; i < feed.records().size(); i++) {
      FeedRows.RecordRow r = feed.records().get(i);
      records.add(new StreamRecord(r.stream(), last.get(r.counter()) - r.back(), r.id(), r.type(),
          batch.appends().get(i).payload().deepCopy(), feed.now()));
    }
    return new Committed(changes, records);
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
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + fixed("change")
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
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + fixed("stream_record")
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
    String update = "UPDATE " + fixed("sequence") + " SET " + lastValue + " = " + lastValue
        + " + ? WHERE tenant = ? AND name = ?";
    if (bumpCounter(c, update, tenant, name, n) == 0) {
      insertIfAbsent(c, dialect.upsert(fixed("sequence"),
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
        "SELECT " + lastValue + " FROM " + fixed("sequence") + " WHERE tenant = ? AND name = ?")) {
      ps.setString(1, tenant);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @FunctionalInterface
  private interface Params {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /**
   * Runs an insert-if-absent upsert inside the current transaction. PostgreSQL and MariaDB resolve a concurrent
   * insert of the same key themselves; H2's MERGE may still report the key as duplicate, so there a savepoint lets
   * the transaction go on (the row exists, which is all we wanted).
   */
  private void insertIfAbsent(Connection c, String sql, Params params) throws SQLException {
    Savepoint sp = dialect.upsertMayRace() ? c.setSavepoint() : null;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      params.bind(ps);
      ps.executeUpdate();
    } catch (SQLException e) {
      if (sp == null || !dialect.isDuplicateKey(e)) {
        throw e;
      }
      c.rollback(sp);
      return;
    }
    if (sp != null) {
      c.releaseSavepoint(sp);
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

  private void checkGuard(Connection c, TenantId tenant, WriteBatch.LeaseGuard guard, Instant now)
      throws SQLException {
    // FOR UPDATE: a takeover waits until this commit ends, so the guarded writes cannot interleave with a new owner's
    LeaseRow row = selectLease(c, tenant, guard.name(), " FOR UPDATE");
    if (row == null || !guard.owner().equals(row.owner) || row.token != guard.token()
        || !now.isBefore(row.expiresAt)) {
      throw new VersionConflictException("lease '" + guard.name() + "' is no longer held by '"
          + guard.owner() + "' with token " + guard.token());
    }
  }

  private void expectOne(Connection c, Sql s, WriteBatch.Write w, long expected) throws SQLException {
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

  /**
   * Finds which unique value of the failed batch is taken, after the failed transaction was rolled back (so reads
   * work again on every database). Vendors name the violated constraint only in message text, which we never parse.
   */
  private RuntimeException diagnoseDuplicate(TenantId tenant, WriteBatch batch, RuntimeException signal) {
    Set<String> touched = new HashSet<>();
    batch.writes().forEach(w -> touched.add(w.collection() + "/" + w.id()));
    RuntimeException found = read("commit", c -> {
      for (WriteBatch.Write w : batch.writes()) {
        if (w instanceof WriteBatch.Insert && exists(c, layout(w.collection()), tenant, w.id())) {
          return new DuplicateKeyException(w.collection(), "id",
              "document '" + w.id() + "' already exists in collection '" + w.collection() + "'");
        }
      }
      for (WriteBatch.Write w : batch.writes()) {
        Document doc = newState(w);
        if (doc == null) {
          continue;
        }
        Layout l = layout(w.collection());
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
                if (!holder.equals(doc.id()) && !touched.contains(w.collection() + "/" + holder)) {
                  return new DuplicateKeyException(w.collection(), index.name());
                }
              }
            }
          }
        }
      }
      for (WriteBatch.Append a : batch.appends()) {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT 1 FROM " + fixed("stream_record") + " WHERE tenant = ? AND stream = ? AND id = ?")) {
          ps.setString(1, tenant.value());
          ps.setString(2, a.stream());
          ps.setString(3, a.id());
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              return new DuplicateKeyException(a.stream(), "id",
                  "record '" + a.id() + "' is already in stream '" + a.stream() + "'");
            }
          }
        }
      }
      return null;
    });
    if (found != null) {
      return found;
    }
    // The value that collided was freed again before we looked: a race, which a retry resolves.
    VersionConflictException e = new VersionConflictException(
        "a unique value was taken by a concurrent commit; nothing was written, retry");
    e.initCause(signal.getCause());
    return e;
  }

  private boolean exists(Connection c, Layout l, TenantId tenant, String id) throws SQLException {
    Sql s = new Sql(dialect).append("SELECT 1 FROM " + l.table() + " WHERE tenant = ").string(tenant.value())
        .append(" AND id = ").key(id);
    try (PreparedStatement ps = s.prepare(c); ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  // --- leases ------------------------------------------------------------------------------------------------------

  private record LeaseRow(@Nullable String owner, long token, Instant expiresAt) {}

  private @Nullable LeaseRow selectLease(Connection c, TenantId tenant, String name, String lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT owner, token, expires_at FROM " + fixed("lease")
        + " WHERE tenant = ? AND name = ?" + lock)) {
      ps.setString(1, tenant.value());
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new LeaseRow(rs.getString("owner"), rs.getLong("token"), dialect.readInstant(rs, "expires_at"))
            : null;
      }
    }
  }

  @Override
  public Optional<Lease> tryAcquire(TenantId tenant, String name, String owner, Duration ttl) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw ValidationException.of("ttl", "lease.ttl", "a lease lasts a positive duration");
    }
    checkLength("name", name, MAX_NAME);
    checkLength("owner", owner, MAX_NAME);
    Instant now = now();
    Instant expiresAt = now.plus(ttl).truncatedTo(ChronoUnit.MILLIS);
    return transaction("tryAcquire", c -> {
      LeaseRow row;
      if (dialect.skipLocked()) {
        // A contender does not queue behind the holder's renewal or guarded commit: a locked row means "busy".
        row = selectLease(c, tenant, name, " FOR UPDATE SKIP LOCKED");
        if (row == null) {
          LeaseRow seen = selectLease(c, tenant, name, "");
          if (seen != null && !owner.equals(seen.owner)) {
            return Optional.empty();
          }
        }
      } else {
        row = null;
      }
      if (row == null) {
        row = selectLease(c, tenant, name, " FOR UPDATE");
      }
      if (row == null) {
        insertIfAbsent(c, dialect.upsert(fixed("lease"),
            List.of("tenant", "name", "owner", "token", "expires_at"), List.of("tenant", "name"), List.of()), ps -> {
              ps.setString(1, tenant.value());
              ps.setString(2, name);
              ps.setNull(3, Types.VARCHAR);
              ps.setLong(4, 0);
              dialect.bindInstant(ps, 5, Instant.EPOCH);
            });
        row = Objects.requireNonNull(selectLease(c, tenant, name, " FOR UPDATE"));
      }
      long token;
      if (owner.equals(row.owner)) {
        token = row.token;
      } else if (row.owner == null || !now.isBefore(row.expiresAt)) {
        token = row.token + 1;
      } else {
        return Optional.<Lease>empty();
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + fixed("lease")
          + " SET owner = ?, token = ?, expires_at = ? WHERE tenant = ? AND name = ?")) {
        ps.setString(1, owner);
        ps.setLong(2, token);
        dialect.bindInstant(ps, 3, expiresAt);
        ps.setString(4, tenant.value());
        ps.setString(5, name);
        ps.executeUpdate();
      }
      return Optional.of(new Lease(name, owner, token, expiresAt));
    });
  }

  @Override
  public boolean release(TenantId tenant, Lease lease) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(lease, "lease");
    return transaction("release", c -> {
      // owner NULL, token kept: the next acquirer gets token + 1
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + fixed("lease")
          + " SET owner = NULL WHERE tenant = ? AND name = ? AND owner = ? AND token = ?")) {
        ps.setString(1, tenant.value());
        ps.setString(2, lease.name());
        ps.setString(3, lease.owner());
        ps.setLong(4, lease.token());
        return ps.executeUpdate() == 1;
      }
    });
  }

  // --- plumbing ----------------------------------------------------------------------------------------------------

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * One unit of work. Own connection: a READ COMMITTED transaction committed here. Host connection in a transaction:
   * a savepoint, rolled back to on failure; the host commits.
   */
  private <T> T transaction(String what, Work<T> work) {
    try {
      if (connectionProvider != null) {
        Connection c = connectionProvider.getConnection();
        if (!c.getAutoCommit()) {
          Savepoint sp = c.setSavepoint();
          T result;
          try {
            result = work.run(c);
          } catch (SQLException | RuntimeException | Error e) {
            rollback(c, sp, e);
            throw e;
          }
          c.releaseSavepoint(sp);
          return result;
        }
        return ownTransaction(c, work);
      }
      try (Connection c = dataSource.getConnection()) {
        return ownTransaction(c, work);
      }
    } catch (SQLException e) {
      throw SqlErrors.translate(dialect, e, what);
    }
  }

  private static void rollback(Connection c, Savepoint sp, Throwable cause) {
    try {
      c.rollback(sp);
    } catch (SQLException s) {
      cause.addSuppressed(s);
    }
  }

  private <T> T ownTransaction(Connection c, Work<T> work) throws SQLException {
    int isolation = dialect.switchesToReadCommitted() ? c.getTransactionIsolation()
        : Connection.TRANSACTION_READ_COMMITTED;
    if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
      // MariaDB's default REPEATABLE READ adds gap locks that deadlock unrelated writers; every write here is a
      // locking statement anyway, so READ COMMITTED loses nothing.
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
    c.setAutoCommit(false);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      try {
        c.rollback();
      } catch (SQLException s) {
        e.addSuppressed(s);
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
      if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
        c.setTransactionIsolation(isolation);
      }
    }
  }

  /** A read: on the host's connection when one is provided (it sees the host's uncommitted writes). */
  private <T> T read(String what, Work<T> work) {
    try {
      if (connectionProvider != null) {
        return work.run(connectionProvider.getConnection());
      }
      try (Connection c = dataSource.getConnection()) {
        return work.run(c);
      }
    } catch (SQLException e) {
      throw SqlErrors.translate(dialect, e, what);
    }
  }

  private String fixed(String table) {
    return qualifier + prefix + table;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private JsonNode parse(String text) {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new StorageException("stored JSON is unreadable", false, e);
    }
  }

  private String toJson(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "JdbcStore[" + dialect.migrationFolder() + ", " + qualifier + prefix + "*]";
  }
}
