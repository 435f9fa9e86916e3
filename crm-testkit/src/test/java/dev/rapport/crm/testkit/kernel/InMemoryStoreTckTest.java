package dev.rapport.crm.testkit.kernel;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;

/** The whole kernel TCK against the in-memory store, which declares multi-document transactions. */
class InMemoryStoreTckTest extends KernelTck {
  @Override
  protected Store createStore(MutableClock clock) {
    return InMemoryStore.create(clock);
  }
}
