package dev.rapport.crm.workflow;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** The scenarios on PostgreSQL. */
class ScenarioPostgresTest extends ScenarioContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.postgres("workflow_scenarios", clock);
  }
}
