package dev.rapport.crm.workflow;

import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** The scenarios on the in-memory store without multi-document transactions: requests opened through a stream. */
class ScenarioSingleDocumentTest extends ScenarioContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.open(o -> InMemoryStore.singleDocument(clock));
  }
}
