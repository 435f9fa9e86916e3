package dev.rapport.crm.jdbc;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testkit.kernel.KernelTck;

/** The kernel TCK on MariaDb, each store in a fresh schema. */
class MariaDbKernelTckTest extends KernelTck {
  @Override
  protected Store createStore(MutableClock clock) {
    return TestDatabases.store(TestDatabases.Kind.MARIADB, clock).build();
  }
}
