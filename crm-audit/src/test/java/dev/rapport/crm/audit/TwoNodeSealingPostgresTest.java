package dev.rapport.crm.audit;

import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** Two nodes sealing one chain, on PostgreSQL. */
class TwoNodeSealingPostgresTest extends TwoNodeSealingContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.postgres("audit_two_nodes", clock);
  }
}
