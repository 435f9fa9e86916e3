package dev.rapport.crm.tckprobe;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testkit.kernel.KernelTck;

/** The kernel TCK on the in-memory store, as an adapter's test module would subclass it. */
class InMemoryTckTest extends KernelTck {
  @Override
  protected Store createStore(MutableClock clock) {
    return InMemoryStore.create(clock);
  }
}
