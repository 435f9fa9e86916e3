package dev.rapport.crm.testkit.text;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;

/** The hostile-text contract on the in-memory store. */
class InMemoryHostileTextTest extends HostileTextContract {
  @Override
  protected Store createStore(MutableClock clock) {
    return InMemoryStore.create(clock);
  }
}
