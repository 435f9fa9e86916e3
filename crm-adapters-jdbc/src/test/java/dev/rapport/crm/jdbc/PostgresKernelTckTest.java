package dev.rapport.crm.jdbc;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testkit.kernel.KernelTck;
import dev.rapport.crm.testkit.text.HostileTextContract;
import org.junit.jupiter.api.Nested;

/** The kernel TCK on Postgres, each store in a fresh schema, and the hostile-text contract in one schema. */
class PostgresKernelTckTest extends KernelTck {
  @Override
  protected Store createStore(MutableClock clock) {
    return TestDatabases.store(TestDatabases.Kind.POSTGRESQL, clock).build();
  }

  @Nested
  class HostileText extends HostileTextContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return TestDatabases.shared(TestDatabases.Kind.POSTGRESQL, clock);
    }
  }
}
