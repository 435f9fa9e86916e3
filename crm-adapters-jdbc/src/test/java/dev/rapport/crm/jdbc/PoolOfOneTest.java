package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Crm;
import dev.rapport.crm.customer.Customer;
import java.sql.Connection;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A host whose pool has one connection: building the store (migrations included) and a {@link Crm}, then the first
 * commands, all work on it, and so does a store joining the host's transaction on that one connection. The pool waits only a short time
 * for a second connection, so a start that needed two would fail here with the pool's timeout instead of passing.
 */
class PoolOfOneTest {
  private static final long POOL_TIMEOUT_MILLIS = 2_000;

  @ParameterizedTest
  @EnumSource(value = TestDatabases.Kind.class, names = {"H2_MEMORY", "H2_FILE", "POSTGRESQL", "MARIADB", "MYSQL"})
  void aStoreStartsAndServesOnAPoolOfOne(TestDatabases.Kind kind) throws Exception {
    TestDatabases.Fresh where = TestDatabases.fresh(kind);
    try (PoolOfOne pool = new PoolOfOne(where.dataSource(), POOL_TIMEOUT_MILLIS)) {
      TestDatabases.Fresh pooled = new TestDatabases.Fresh(where.database(), pool, where.schema());
      Crm crm = FirstContact.crm(pooled.builder(Clock.systemUTC()).build());
      Customer ada = FirstContact.createAndGet(crm, "Ada Lovelace");

      // a restart on the migrated schema, joining the host's transactions; then one on the pool's one connection
      AtomicReference<Connection> current = new AtomicReference<>();
      Crm joined = FirstContact.crm(pooled.builder(Clock.systemUTC()).connectionProvider(current::get).build());
      Customer grace;
      try (Connection host = pool.getConnection()) {
        host.setAutoCommit(false);
        current.set(host);
        grace = FirstContact.createAndGet(joined, "Grace Hopper");
        assertThat(joined.customers().get(FirstContact.ACTOR, ada.id())).isPresent();
        host.commit();
      }
      assertThat(crm.customers().get(FirstContact.ACTOR, grace.id())).as("after the host's commit").isPresent();
    }
  }
}
