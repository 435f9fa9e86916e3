package dev.rapport.crm.benchmarks;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.javers.core.Javers;
import org.javers.core.JaversBuilder;
import org.javers.core.commit.Commit;
import org.javers.core.metamodel.annotation.Id;
import org.javers.repository.sql.ConnectionProvider;
import org.javers.repository.sql.SqlRepositoryBuilder;
import org.jspecify.annotations.Nullable;

/**
 * The anchor of the audit benchmarks: JaVers 7.8 with its SQL repository in one {@link AuditDb} (on PostgreSQL in
 * the run's schema, {@code withSchema}; on H2 in the in-memory database's schema), committing a plain Java mirror of
 * the customer ({@link JvCustomer}: the same fields and nested values as Rapport's stored document, read from it).
 * Every commit runs in a JDBC transaction this class opens on a pooled connection and commits itself, the connection
 * handed to JaVers through its {@link ConnectionProvider}, as a host's transaction manager would.
 */
final class JaversSide implements AutoCloseable {
  static final String AUTHOR = "bench-user";
  private static final ObjectMapper JSON = new ObjectMapper()
      .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  final AuditDb db;
  final Javers javers;
  final JvCustomer customer;
  private final String updateRow;
  private @Nullable Connection current;
  private long version;

  /** JaVers on {@code db} (its tables created by JaVers' schema manager), the customer committed once as created. */
  JaversSide(AuditDb db, ObjectNode storedBody) throws Exception {
    this.db = db;
    this.customer = JSON.treeToValue(storedBody, JvCustomer.class);
    ConnectionProvider provider = () -> {
      Connection c = current;
      if (c == null) {
        throw new SQLException("JaVers used outside a transaction");
      }
      return c;
    };
    javers = inTransaction(() -> JaversBuilder.javers()
        .registerJaversRepository(SqlRepositoryBuilder.sqlRepository()
            .withConnectionProvider(provider)
            .withDialect(db.javersDialect())
            .withSchema(db.schema)
            .withSchemaManagementEnabled(true)
            .build())
        .build());
    String table = db.schema + ".jv_bench_customer";
    PgBench.execute(db.pool, "CREATE TABLE " + table + " (id VARCHAR(64) NOT NULL PRIMARY KEY, version BIGINT NOT NULL,"
        + " body " + db.jsonType() + " NOT NULL)");
    updateRow = "UPDATE " + table + " SET body = " + db.jsonParameter() + ", version = ? WHERE id = ? AND version = ?";
    version = 1;
    inTransaction(() -> {
      try (PreparedStatement ps = current().prepareStatement("INSERT INTO " + table
          + " (id, version, body) VALUES (?, 1, " + db.jsonParameter() + ")")) {
        ps.setString(1, customer.id);
        ps.setString(2, JSON.writeValueAsString(customer));
        ps.executeUpdate();
      }
      return javers.commit(AUTHOR, customer);
    });
  }

  private Connection current() {
    Connection c = current;
    if (c == null) {
      throw new IllegalStateException("not in a transaction");
    }
    return c;
  }

  @FunctionalInterface
  interface Work<T> {
    T run() throws Exception;
  }

  /** Runs {@code work} in one transaction on a pooled connection, committed when it returns. */
  <T> T inTransaction(Work<T> work) throws Exception {
    try (Connection c = db.pool.getConnection()) {
      c.setAutoCommit(false);
      current = c;
      try {
        T result = work.run();
        c.commit();
        return result;
      } finally {
        current = null;
      }
    }
  }

  /** Update {@code n}: the three fields changed, committed to JaVers in a transaction of its own. */
  Commit commit(long n) throws Exception {
    change(n);
    return inTransaction(() -> javers.commit(AUTHOR, customer));
  }

  /**
   * Update {@code n} with the domain write: the customer's JSON row (the object serialised by Jackson, as a host
   * storing it as a document would) updated, with an optimistic version check, and the JaVers commit, in one
   * transaction.
   */
  Commit commitWithUpdate(long n) throws Exception {
    change(n);
    return inTransaction(() -> {
      try (PreparedStatement ps = current().prepareStatement(updateRow)) {
        ps.setString(1, JSON.writeValueAsString(customer));
        ps.setLong(2, version + 1);
        ps.setString(3, customer.id);
        ps.setLong(4, version);
        if (ps.executeUpdate() != 1) {
          throw new IllegalStateException("the customer's row is not at version " + version);
        }
      }
      version++;
      return javers.commit(AUTHOR, customer);
    });
  }

  private void change(long n) {
    String[] v = AuditedCustomer.values(n);
    customer.grade = v[0];
    customer.team = v[1];
    customer.department = v[2];
  }

  /** Rows of JaVers' commit and snapshot tables. */
  long[] commitsAndSnapshots() throws SQLException {
    try (Connection c = db.pool.getConnection(); Statement st = c.createStatement()) {
      return new long[] {count(st, "jv_commit"), count(st, "jv_snapshot")};
    }
  }

  private long count(Statement st, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + db.schema + "." + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }

  // ---- the mirror: the stored customer's members, as JaVers sees a plain domain class ----------------------------

  /** The customer: an entity (its id is Rapport's), its nested values value objects, its lists and maps as such. */
  static final class JvCustomer {
    @Id String id;
    String tenant;
    String kind;
    JvText name;
    List<String> emails;
    List<String> phones;
    List<JvAddress> addresses;
    List<JvContactPerson> contactPersons;
    Set<String> tags;
    String stage;
    Map<String, String> stageEnteredAt;
    @Nullable String grade;
    @Nullable String owner;
    @Nullable String team;
    @Nullable String department;
    @Nullable String region;
    @Nullable JvMoney creditLimit;
    Map<String, String> externalRefs;
    Map<String, String> customFields;
    Map<String, JvConsent> consents;
    String createdAt;
    String createdBy;
    boolean deleted;
  }

  static final class JvText {
    @JsonProperty("default") String text;
    Map<String, String> variants;
  }

  static final class JvAddress {
    String country;
    @Nullable String region;
    @Nullable String city;
    @Nullable String district;
    List<String> streetLines;
    @Nullable String postalCode;
  }

  static final class JvContactPerson {
    JvText name;
    @Nullable String role;
    List<String> emails;
    List<String> phones;
  }

  static final class JvMoney {
    String amount;
    String currency;
  }

  static final class JvConsent {
    boolean granted;
    String at;
    String source;
  }
}
