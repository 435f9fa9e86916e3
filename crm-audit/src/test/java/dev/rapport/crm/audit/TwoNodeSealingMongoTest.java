package dev.rapport.crm.audit;

import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** Two nodes sealing one chain, on the MongoDB test server (or RAPPORT_TEST_MONGO_URI). */
class TwoNodeSealingMongoTest extends TwoNodeSealingContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.mongo("audit_two_nodes", clock);
  }
}
