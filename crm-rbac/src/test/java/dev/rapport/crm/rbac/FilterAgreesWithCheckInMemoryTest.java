package dev.rapport.crm.rbac;

import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** The property on core's {@link InMemoryStore}: the reference semantics. */
class FilterAgreesWithCheckInMemoryTest extends FilterAgreesWithCheckContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.open(o -> InMemoryStore.create(clock));
  }
}
