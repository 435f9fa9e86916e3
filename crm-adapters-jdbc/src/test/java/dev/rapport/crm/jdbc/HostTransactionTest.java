package dev.rapport.crm.jdbc;

import dev.rapport.crm.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A host runs Rapport inside its own transaction: both commit together, or roll back together. */
class HostTransactionTest {
  private static final TenantId T = TenantId.of("erp");
  private static final CollectionSpec ORDERS = CollectionSpec.of("customers", IndexSpec.single("name", IndexType.STRING));

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void rapportCommitsAndRollsBackWithTheHost(TestDatabases.Kind kind) throws Exception {
    TestDatabases.Fresh where = TestDatabases.fresh(kind);
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    JdbcStore plain = where.builder(clock).build();
    plain.register(ORDERS);
    String hostTable = where.qualifier() + "host_orders";
    try (Connection c = where.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + hostTable + " (id VARCHAR(20) PRIMARY KEY)");
    }

    try (Connection host = where.dataSource().getConnection()) {
      JdbcStore joined = joining(where, clock, host);
      joined.register(ORDERS);

      // rolled back by the host: neither the host's row nor Rapport's
      hostInsert(host, hostTable, "o1");
      joined.commit(T, WriteBatch.builder().insert("customers", doc("c1", 1)).build());
      assertThat(joined.get(T, "customers", "c1")).as("visible inside the host transaction").isPresent();
      host.rollback();
      assertThat(plain.get(T, "customers", "c1")).isEmpty();
      assertThat(plain.changes(T, 0, 10)).isEmpty();

      // a failing Rapport commit rolls back to its savepoint only; the host's transaction goes on
      hostInsert(host, hostTable, "o2");
      joined.commit(T, WriteBatch.builder().insert("customers", doc("c2", 1)).build());
      assertThatThrownBy(() -> joined.commit(T, WriteBatch.builder()
          .insert("customers", doc("c3", 1)).update("customers", doc("c2", 7)).build()))
          .isInstanceOf(VersionConflictException.class);
      host.commit();
      assertThat(plain.get(T, "customers", "c2")).isPresent();
      assertThat(plain.get(T, "customers", "c3")).isEmpty();
      assertThat(plain.changes(T, 0, 10)).hasSize(1);
      try (Statement st = host.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + hostTable)) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      host.commit();
    }
  }

  /**
   * A purge inside the host's transaction, after appends of that same transaction: the next append of the
   * transaction never takes a purged position. On PostgreSQL a transaction numbers its records on from the greatest
   * position it holds, so the purge leaves the transaction's own records there (its reads do not return them yet).
   */
  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void aPurgeInTheHostTransactionNeverLetsAPositionBeTakenAgain(TestDatabases.Kind kind) throws Exception {
    TestDatabases.Fresh where = TestDatabases.fresh(kind);
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    JdbcStore plain = where.builder(clock).build();
    StreamRecord before = append(plain, "r0");

    try (Connection host = where.dataSource().getConnection()) {
      JdbcStore joined = joining(where, clock, host);
      StreamRecord r1 = append(joined, "r1");
      StreamRecord r2 = append(joined, "r2");
      boolean ownRecordsStay = kind == TestDatabases.Kind.POSTGRESQL;

      assertThat(joined.purge(T, "audit", List.of(before.position(), r2.position())))
          .isEqualTo(ownRecordsStay ? 1 : 2);
      StreamRecord r3 = append(joined, "r3");
      assertThat(r3.position()).isGreaterThan(r2.position());
      host.commit();

      List<StreamRecord> read = plain.read(T, "audit", 0, 10);
      assertThat(read).extracting(StreamRecord::position).isSorted().doesNotHaveDuplicates();
      assertThat(read).extracting(StreamRecord::id)
          .containsExactlyElementsOf(ownRecordsStay ? List.of("r1", "r2", "r3") : List.of("r1", "r3"));
      assertThat(read.get(0)).isEqualTo(r1);
    }
  }

  /** A store joining the transaction the host opens on {@code host}. */
  private static JdbcStore joining(TestDatabases.Fresh where, MutableClock clock, Connection host) throws Exception {
    host.setAutoCommit(false);
    return where.builder(clock).connectionProvider(() -> host).build();
  }

  private static StreamRecord append(JdbcStore store, String id) {
    return store.commit(T, WriteBatch.builder().append("audit", id, "t", JsonNodeFactory.instance.objectNode())
        .build()).records().get(0);
  }

  private static void hostInsert(Connection host, String table, String id) throws Exception {
    try (Statement st = host.createStatement()) {
      st.executeUpdate("INSERT INTO " + table + " (id) VALUES ('" + id + "')");
    }
  }

  private static Document doc(String id, long version) {
    return new Document(id, version, JsonNodeFactory.instance.objectNode().put("id", id),
        Map.of("name", List.of(id)));
  }
}
