package dev.rapport.crm.workflow;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Crash recovery of approved commands on Mongo. */
class CrashRecoveryMongoTest extends CrashRecoveryContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.mongo("workflow_crash", clock);
  }
}
