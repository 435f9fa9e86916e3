package dev.rapport.crm.workflow;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Crash recovery of approved commands on SingleDocument. */
class CrashRecoverySingleDocumentTest extends CrashRecoveryContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.open(o -> dev.rapport.crm.store.memory.InMemoryStore.singleDocument(clock));
  }
}
