package dev.rapport.crm.jdbc;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.StorageException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.jdbc.internal.Dialect;
import dev.rapport.crm.jdbc.internal.Sql;
import dev.rapport.crm.jdbc.internal.SqlErrors;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.FeedArguments;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StoreChecks;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>This class checks arguments ({@link StoreChecks}) and hands each operation to the package-private part that
 * does it: {@code SchemaRegistry} (migrations, collection tables), {@code DocumentReads}, {@code BatchWriter}
 * (commits), {@code ChangeFeed} (change feed and streams), {@code LeaseTable}; {@code JdbcContext} holds what they
 * share.
 */
public final class JdbcStore implements Store {
  private static final Pattern SCHEMA = Pattern.compile("[a-z][a-z0-9_]{0,30}");
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,15}");

  /**
   * The supported databases. {@link Builder#build()} checks the declared one against the connection's
   * {@code DatabaseMetaData.getDatabaseProductName()} before anything else and refuses a mismatch. H2 in a
   * compatibility mode ({@code MODE=PostgreSQL}, {@code MODE=MySQL}) is still H2: declare {@link #H2}.
   */
  public enum Database {
    /** PostgreSQL 12+: product name {@code PostgreSQL}. */
    POSTGRESQL("PostgreSQL"),
    /** MariaDB 10.6+ or MySQL 8.0.19+: product name {@code MariaDB} or {@code MySQL}. */
    MARIADB("MariaDB", "MySQL"),
    /** H2 2.x, in any compatibility mode: product name {@code H2}. */
    H2("H2");

    private final List<String> products;

    Database(String... products) {
      this.products = List.of(products);
    }

    /** The database whose JDBC product name this is, if Rapport supports it. */
    static Optional<Database> ofProduct(String product) {
      for (Database d : values()) {
        if (d.products.contains(product)) {
          return Optional.of(d);
        }
      }
      return Optional.empty();
    }
  }

  private final JdbcContext ctx;
  private final Set<Capability> capabilities;
  private final SchemaRegistry schema;
  private final DocumentReads reads;
  private final ChangeFeed feed;
  private final LeaseTable leases;
  private final BatchWriter writer;

  private JdbcStore(Builder b) {
    Dialect dialect = switch (b.database) {
      case POSTGRESQL -> Dialect.postgres();
      case MARIADB -> Dialect.mariadb();
      case H2 -> Dialect.h2();
    };
    this.ctx = new JdbcContext(b.dataSource, b.connectionProvider, dialect, b.clock, b.prefix, b.schema);
    this.schema = new SchemaRegistry(ctx);
    this.reads = new DocumentReads(ctx, schema);
    this.feed = new ChangeFeed(ctx);
    this.leases = new LeaseTable(ctx);
    this.writer = new BatchWriter(ctx, schema, feed, leases);
    boolean durable;
    // one connection for the whole start, given back before build() returns: a pool of one is enough
    try (Connection c = b.dataSource.getConnection()) {
      checkProduct(b.database, c.getMetaData());
      dialect.init(c);
      durable = !c.getMetaData().getURL().startsWith("jdbc:h2:mem:");
      schema.migrate(c, b.schema);
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
  }

  /** Refuses a {@code DataSource} of another database than the declared one, before any statement runs. */
  private static void checkProduct(Database declared, DatabaseMetaData meta) throws SQLException {
    String product = meta.getDatabaseProductName();
    Optional<Database> actual = Database.ofProduct(product);
    if (actual.equals(Optional.of(declared))) {
      return;
    }
    String found = product + " " + meta.getDatabaseProductVersion();
    throw new StorageException("JdbcStore was declared for Database." + declared + " but its DataSource connects to "
        + found + (actual.isPresent() ? "; declare Database." + actual.get() + " instead"
            : ", which Rapport does not support (PostgreSQL, MariaDB/MySQL, H2)")
        + "; nothing was changed", false);
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

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public void register(CollectionSpec spec) {
    schema.register(Objects.requireNonNull(spec, "spec"));
  }

  @Override
  public List<CollectionSpec> collections() {
    return schema.collections();
  }

  @Override
  public Optional<Document> get(TenantId tenant, String collection, String id) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(id, "id");
    return reads.get(tenant, collection, id);
  }

  @Override
  public Optional<Document> findUnique(TenantId tenant, String collection, String field, Object value) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    return reads.findUnique(tenant, collection, field, value);
  }

  @Override
  public Page<Document> query(TenantId tenant, String collection, Query query) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(query, "query");
    return reads.query(tenant, collection, query);
  }

  /**
   * The statement {@link #query} runs for one page. Package private so tests can EXPLAIN the exact statement shape
   * (see {@code PostgresGenericPlanTest}).
   */
  Sql pageSql(TenantId tenant, String collection, Query query) {
    return reads.pageSql(tenant, collection, query);
  }

  /** The statements {@link #get} and {@link #findUnique} run, for the plan checks ({@code UniqueLookupPlans}). */
  Sql getSql(TenantId tenant, String collection, String id) {
    return reads.getSql(tenant, collection, id);
  }

  Sql findUniqueSql(TenantId tenant, String collection, String field, Object value) {
    return reads.findUniqueSql(tenant, collection, field, value);
  }

  @Override
  public long count(TenantId tenant, String collection, Criteria criteria) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(criteria, "criteria");
    return reads.count(tenant, collection, criteria);
  }

  @Override
  public Committed commit(TenantId tenant, WriteBatch batch) {
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkBatch(batch, schema::specOrNull, capabilities);
    return writer.commit(tenant, batch);
  }

  @Override
  public int reindex(TenantId tenant, String collection, List<Document> documents) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(collection, "collection");
    StoreChecks.checkReindex(schema.layout(collection).spec(), documents);
    return documents.isEmpty() ? 0 : writer.reindex(tenant, collection, documents);
  }

  @Override
  public List<Change> changes(TenantId tenant, long afterPosition, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    FeedArguments.check(afterPosition, limit);
    return feed.changes(tenant, afterPosition, limit);
  }

  @Override
  public List<StreamRecord> read(TenantId tenant, String stream, long afterPosition, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkStream(stream);
    FeedArguments.check(afterPosition, limit);
    return feed.read(tenant, stream, afterPosition, limit);
  }

  @Override
  public int purge(TenantId tenant, String stream, Collection<Long> positions) {
    Objects.requireNonNull(tenant, "tenant");
    List<Long> purged = StoreChecks.checkPurge(stream, positions);
    return purged.isEmpty() ? 0 : feed.purge(tenant, stream, purged);
  }

  @Override
  public Optional<Lease> tryAcquire(TenantId tenant, String name, String owner, Duration ttl) {
    Objects.requireNonNull(tenant, "tenant");
    StoreChecks.checkLease(name, owner, ttl);
    return leases.tryAcquire(tenant, name, owner, ttl);
  }

  @Override
  public boolean release(TenantId tenant, Lease lease) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(lease, "lease");
    return leases.release(tenant, lease);
  }

  @Override
  public String toString() {
    return "JdbcStore[" + ctx.dialect().migrationFolder() + ", " + ctx.fixed("*") + "]";
  }
}
