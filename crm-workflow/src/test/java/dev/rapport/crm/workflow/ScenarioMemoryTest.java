package dev.rapport.crm.workflow;

import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** The scenarios on the in-memory store. */
class ScenarioMemoryTest extends ScenarioContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.open(o -> InMemoryStore.create(clock));
  }
}
