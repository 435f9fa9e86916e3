package dev.rapport.crm.workflow;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** The scenarios on H2. */
class ScenarioH2Test extends ScenarioContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.h2("workflow_scenarios", clock);
  }
}
