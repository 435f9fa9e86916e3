package dev.rapport.crm.jdbc;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testkit.kernel.KernelTck;
import dev.rapport.crm.testkit.text.HostileTextContract;
import org.junit.jupiter.api.Nested;

/**
 * The kernel TCK on MySQL, each store in a fresh database, and the hostile-text contract in one database; skipped
 * unless {@code RAPPORT_TEST_MYSQL_URL} is set.
 */
class MySqlKernelTckTest extends KernelTck {
  @Override
  protected Store createStore(MutableClock clock) {
    return TestDatabases.store(TestDatabases.Kind.MYSQL, clock).build();
  }

  @Nested
  class HostileText extends HostileTextContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return TestDatabases.shared(TestDatabases.Kind.MYSQL, clock);
    }
  }
}
