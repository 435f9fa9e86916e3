package dev.rapport.crm.jdbc;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testkit.kernel.KernelTck;

/** The kernel TCK on Postgres, each store in a fresh schema. */
class PostgresKernelTckTest extends KernelTck {
  @Override
  protected Store createStore(MutableClock clock) {
    return TestDatabases.store(TestDatabases.Kind.POSTGRESQL, clock).build();
  }
}
