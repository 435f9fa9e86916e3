package dev.rapport.crm.audit;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Retention on H2. */
class RetentionH2Test extends RetentionContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.h2("audit_retention", clock);
  }
}
