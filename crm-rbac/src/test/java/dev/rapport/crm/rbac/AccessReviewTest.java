package dev.rapport.crm.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who can do what on a record and why; what a user can reach; who the policy knows. */
class AccessReviewTest {
  private final Rbac rbac = RbacOnTheCommandPathTest.policy();

  @Test
  void whoCanEditACustomerAndWhy() {
    List<Rbac.Reviewed> editors = rbac.whoCan(DecisionMatrixTest.ACTORS.values(), Action.EDIT,
        Resource.stored(CustomerFields.TYPE, "c1", DecisionMatrixTest.customer()));
    assertThat(editors).extracting(r -> r.actor().userId()).containsExactlyInAnyOrder("root", "chen", "li.wei",
        "fay");
    assertThat(editors).filteredOn(r -> r.actor().userId().equals("li.wei")).singleElement()
        .satisfies(r -> assertThat(r.why().decision().decidingRules()).containsExactly("rep-edit-own"));
  }

  @Test
  void everythingARepCanReach() {
    Map<String, Map<Action, DataFilter>> reach = rbac.reach(DecisionMatrixTest.ACTORS.get("sales_rep"));
    assertThat(reach.get("customer")).containsOnlyKeys(Action.VIEW, Action.CREATE, Action.EDIT, Action.EXPORT);
    assertThat(reach.get("customer").get(Action.VIEW)).isEqualTo(DataFilter.where(Criteria.eq("region", "CN-East")));
    assertThat(reach.get("customer").get(Action.EDIT)).isEqualTo(DataFilter.where(Criteria.and(
        Criteria.eq("owner", "li.wei"), Criteria.eq("region", "CN-East"),
        Criteria.not(Criteria.gt("creditLimit", new java.math.BigDecimal("100000"))))));
    assertThat(reach.get("interaction")).containsOnlyKeys(Action.VIEW, Action.CREATE);
    assertThat(reach).doesNotContainKey("case");
  }

  @Test
  void knownPeopleComeFromAssignmentsAndTheDirectory() {
    Rbac withAssignments = Rbac.builder().loadResource("crm-policy.yaml")
        .assign(Assignment.of("acme", "li.wei", "sales_rep")).build();
    Crm crm = Crm.builder().store(InMemoryStore.create()).accessPolicy(withAssignments)
        .audit(AuditRecorder.none())
        .directory(Directory.inMemory().role("acme", "auditor", "al").build())
        .indexes(CustomerFields.COLLECTION, withAssignments.requiredIndexes(CustomerFields.TYPE)).build();
    assertThat(withAssignments.knownPeople(TenantId.of("acme"))).extracting(Actor::userId, Actor::roles)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("al", java.util.Set.of("auditor")),
            org.assertj.core.groups.Tuple.tuple("li.wei", java.util.Set.of()));
    crm.close();
  }
}
