package dev.rapport.crm.workflow;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** The scenarios on MariaDB. */
class ScenarioMariaDbTest extends ScenarioContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.mariadb("workflow_scenarios", clock);
  }
}
