package dev.rapport.crm.workflow;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Crash recovery of approved commands on H2. */
class CrashRecoveryH2Test extends CrashRecoveryContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.h2("workflow_crash", clock);
  }
}
