package dev.rapport.crm.testkit.kernel;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;

/**
 * The TCK against the in-memory store without multi-document transactions: proves the TCK skips exactly the
 * capability-gated tests and runs the "refuse loudly" path that such stores (MongoDB without a replica set) take.
 */
class SingleDocumentInMemoryStoreTckTest extends KernelTck {
  @Override
  protected Store createStore(MutableClock clock) {
    return InMemoryStore.singleDocument(clock);
  }
}
