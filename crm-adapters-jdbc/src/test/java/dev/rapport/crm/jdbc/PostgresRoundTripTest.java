package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.testkit.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins how many round trips a commit costs on PostgreSQL, counted at the JDBC calls that reach the server with
 * pgjdbc: every statement execution (a JDBC batch or a ';'-separated composite counts once: pgjdbc sends it with one
 * Sync), commit, rollback, savepoints and isolation-level calls. A regression to per-counter statements or per-table
 * feed inserts fails here.
 */
class PostgresRoundTripTest {
  private static final TenantId T = TenantId.of("rt");
  private static final Set<String> CONNECTION_TRIPS = Set.of("commit", "rollback", "setSavepoint", "releaseSavepoint",
      "getTransactionIsolation", "setTransactionIsolation");
  private static final Set<String> STATEMENT_TRIPS = Set.of("execute", "executeQuery", "executeUpdate",
      "executeBatch", "executeLargeUpdate", "executeLargeBatch");

  private final AtomicInteger trips = new AtomicInteger();
  private JdbcStore store;

  @BeforeEach
  void setUp() {
    TestDatabases.Fresh where = TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL);
    store = JdbcStore.builder(JdbcStore.Database.POSTGRESQL, counting(where.dataSource()))
        .schema(Objects.requireNonNull(where.schema()))
        .clock(MutableClock.at("2026-01-01T00:00:00Z")).build();
    store.register(JdbcStoreContract.CUSTOMERS);
  }

  @Test
  void oneInsertWithSideRowsAndOneAppendIsOneStatementAndTheCommit() {
    trips.set(0);
    Committed first = store.commit(T, WriteBatch.builder()
        .insert("customers", customer("a", "r-a"))
        .append("outbox", "e-a", "customer.created", JsonNodeFactory.instance.objectNode().put("id", "a"))
        .build());
    assertThat(trips.get()).as("round trips for one insert + one append").isEqualTo(2);

    // the next commit takes the same path
    trips.set(0);
    Committed second = store.commit(T, WriteBatch.builder()
        .insert("customers", customer("b", "r-b"))
        .append("outbox", "e-b", "customer.created", JsonNodeFactory.instance.objectNode().put("id", "b"))
        .build());
    assertThat(trips.get()).isEqualTo(2);

    // positions by transaction id: the later commit's are higher
    assertThat(second.changes().get(0).position()).isGreaterThan(first.changes().get(0).position());
    assertThat(second.records().get(0).position()).isGreaterThan(first.records().get(0).position());
    assertThat(store.changes(T, 0, 10)).extracting(Change::id).containsExactly("a", "b");
    assertThat(store.read(T, "outbox", 0, 10)).extracting(StreamRecord::id, StreamRecord::position)
        .containsExactly(tuple("e-a", first.records().get(0).position()),
            tuple("e-b", second.records().get(0).position()));
  }

  @Test
  void aBulkCommitCostsOneRoundTripPerTableWhateverItsSize() {
    WriteBatch.Builder b = WriteBatch.builder();
    for (int i = 0; i < 200; i++) {
      b.insert("customers", customer("c" + i, "r" + i));
      b.append(i % 2 == 0 ? "outbox" : "audit", "e" + i, "customer.created",
          JsonNodeFactory.instance.objectNode().put("n", i));
    }
    trips.set(0);
    Committed done = store.commit(T, b.build());
    // document rows, side rows, the feed statement, the commit
    assertThat(trips.get()).isEqualTo(4);
    // one transaction's positions are consecutive
    long firstPosition = done.changes().get(0).position();
    assertThat(done.changes()).extracting(Change::position).last().isEqualTo(firstPosition + 199);
    assertThat(store.read(T, "audit", 0, 1000)).hasSize(100).extracting(StreamRecord::id).first().isEqualTo("e1");
  }

  private static Document customer(String id, String ref) {
    return new Document(id, 1, JsonNodeFactory.instance.objectNode().put("name", id),
        Document.indexValues().put("region", "EU").put("externalRef", ref)
            .putAll("emails", List.of(id + "@x.org", id + "@y.org")).putAll("tags", List.of("vip", "smb")).build());
  }

  private DataSource counting(DataSource real) {
    return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, m, args) -> {
          Object out = invoke(real, m, args);
          return out instanceof Connection c ? countingConnection(c) : out;
        });
  }

  private Connection countingConnection(Connection real) {
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, m, args) -> {
          if (CONNECTION_TRIPS.contains(m.getName())) {
            trips.incrementAndGet();
          }
          Object out = invoke(real, m, args);
          return out instanceof Statement s ? countingStatement(s) : out;
        });
  }

  private Object countingStatement(Statement real) {
    Class<?>[] types = real instanceof java.sql.PreparedStatement
        ? new Class<?>[] {java.sql.PreparedStatement.class} : new Class<?>[] {Statement.class};
    return Proxy.newProxyInstance(getClass().getClassLoader(), types, (proxy, m, args) -> {
      if (STATEMENT_TRIPS.contains(m.getName())) {
        trips.incrementAndGet();
      }
      return invoke(real, m, args);
    });
  }

  private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
