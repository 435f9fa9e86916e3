package dev.rapport.crm.audit;

import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** Two nodes sealing one chain, on H2. */
class TwoNodeSealingH2Test extends TwoNodeSealingContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.h2("audit_two_nodes", clock);
  }
}
