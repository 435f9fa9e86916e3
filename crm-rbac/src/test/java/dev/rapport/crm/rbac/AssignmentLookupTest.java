package dev.rapport.crm.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerFields;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A decision finds the roles of exactly the actor's (tenant, user): never those of another pair whose ids run
 * together the same way, nor of the same user id in another tenant, however many users the policy holds.
 */
class AssignmentLookupTest {

  @Test
  void pairsWhoseIdsRunTogetherKeepTheirOwnRoles() {
    // "t1" + "7u" and "t17" + "u" spell the same characters
    Rbac rbac = Rbac.builder()
        .role("viewer", r -> r.permit(CustomerFields.TYPE.name(), Action.VIEW))
        .role("deleter", r -> r.permit(CustomerFields.TYPE.name(), Action.DELETE))
        .assign(Assignment.of("t1", "7u", "viewer"))
        .assign(Assignment.of("t17", "u", "deleter"))
        .build();

    assertThat(may(rbac, "t1", "7u", Action.VIEW)).isTrue();
    assertThat(may(rbac, "t1", "7u", Action.DELETE)).isFalse();
    assertThat(may(rbac, "t17", "u", Action.DELETE)).isTrue();
    assertThat(may(rbac, "t17", "u", Action.VIEW)).isFalse();
    assertThat(may(rbac, "t17", "7u", Action.VIEW)).isFalse();
    assertThat(may(rbac, "t1", "u", Action.DELETE)).isFalse();
  }

  @Test
  void everyOneOfManyUsersGetsTheirOwnRoleInTheirOwnTenant() {
    Rbac.Builder b = Rbac.builder()
        .role("viewer", r -> r.permit(CustomerFields.TYPE.name(), Action.VIEW))
        .role("deleter", r -> r.permit(CustomerFields.TYPE.name(), Action.DELETE));
    List<String[]> pairs = new ArrayList<>();
    for (int t = 0; t < 60; t++) {
      for (int u = 0; u < 40; u++) {
        String role = (t * 7 + u) % 3 == 0 ? "deleter" : "viewer";
        b.assign(Assignment.of("t" + t, "u" + u, role));
        pairs.add(new String[] {"t" + t, "u" + u, role});
      }
    }
    Rbac rbac = b.build();
    for (String[] p : pairs) {
      boolean deleter = p[2].equals("deleter");
      assertThat(may(rbac, p[0], p[1], Action.DELETE)).as("%s/%s", p[0], p[1]).isEqualTo(deleter);
      assertThat(may(rbac, p[0], p[1], Action.VIEW)).as("%s/%s", p[0], p[1]).isEqualTo(!deleter);
    }
    assertThat(may(rbac, "t60", "u0", Action.VIEW)).as("an unknown tenant").isFalse();
    assertThat(may(rbac, "t0", "u40", Action.VIEW)).as("an unknown user").isFalse();
  }

  private static boolean may(Rbac rbac, String tenant, String user, Action action) {
    Decision d = rbac.check(Actor.of(tenant, user), action, Resource.ofType(CustomerFields.TYPE));
    return d.allowed();
  }
}
