package dev.rapport.crm.rbac;

import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** Administration refuses text no store keeps exactly, on core's in-memory store. */
class AdministrationTextInMemoryTest extends AdministrationTextContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.open(o -> InMemoryStore.create(clock));
  }
}
