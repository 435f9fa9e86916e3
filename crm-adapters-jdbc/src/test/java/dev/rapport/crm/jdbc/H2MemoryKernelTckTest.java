package dev.rapport.crm.jdbc;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testkit.kernel.KernelTck;

/** The kernel TCK on H2Memory, each store in a fresh schema. */
class H2MemoryKernelTckTest extends KernelTck {
  @Override
  protected Store createStore(MutableClock clock) {
    return TestDatabases.store(TestDatabases.Kind.H2_MEMORY, clock).build();
  }
}
