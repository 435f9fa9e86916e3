package dev.rapport.crm.audit;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Retention on Mongo. */
class RetentionMongoTest extends RetentionContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.mongo("audit_retention", clock);
  }
}
