package dev.rapport.crm.audit;

import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Retention on the in-memory store. */
class RetentionMemoryTest extends RetentionContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.open(o -> InMemoryStore.create(clock));
  }
}
