package dev.rapport.crm.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.query.Criteria;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whatever cannot be decided denies: missing attributes, evaluation errors, unknown types and roles, stale grants. */
class FailClosedTest {
  private static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");

  private final Rbac rbac = Rbac.builder()
      .attributes("region", "clearance")
      .clock(Clock.fixed(NOW, ZoneOffset.UTC))
      .role("rep", r -> r
          .permitWhen("customer", "resource.region == subject.region", Action.VIEW)
          .permitWhen("customer", "resource.grade.contains('A')", Action.EDIT))
      .role("viewer", r -> r.permit("customer", Action.VIEW, Action.EDIT))
      .policy(Rule.forbid("cleared-only").on("customer").actions(Action.VIEW, Action.EDIT).forRoles("viewer")
          .when("subject.clearance != 'secret' && 'secret' in resource.tags"))
      .policy(Rule.forbid("no-edit-of-odd-grades").on("customer").actions(Action.EDIT).forRoles("viewer")
          .when("resource.grade.endsWith('Z')"))
      .assign(Assignment.of("acme", "old", "viewer").validUntil(NOW))
      .assign(Assignment.of("acme", "future", "viewer").validFrom(NOW.plusSeconds(60)))
      .assign(Assignment.of("acme", "east", "viewer").scopedTo("region", "CN-East"))
      .build();

  private static Resource customer(Map<String, List<Object>> values) {
    ObjectNode body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("id", "c1");
    return Resource.stored(CustomerFields.TYPE, "c1", body, values);
  }

  private static final Resource SECRET = customer(Map.of("region", List.of("CN-East"), "tags", List.of("secret")));
  private static final Resource PLAIN = customer(Map.of("region", List.of("EU"), "grade", List.of("B")));

  @Test
  void aPermitNeedingAnAttributeTheActorLacksDoesNotApply() {
    Actor noRegion = Actor.of("acme", "u").withRoles("rep");
    assertThat(rbac.check(noRegion, Action.VIEW, PLAIN).allowed()).isFalse();
    assertThat(rbac.filter(noRegion, Action.VIEW, CustomerFields.TYPE)).isEqualTo(DataFilter.never());
  }

  @Test
  void aForbidNeedingAnAttributeTheActorLacksDenies() {
    Actor noClearance = Actor.of("acme", "u").withRoles("viewer");
    Decision d = rbac.check(noClearance, Action.VIEW, PLAIN);
    assertThat(d.allowed()).isFalse();
    assertThat(d.decidingRules()).containsExactly("cleared-only");
    assertThat(rbac.filter(noClearance, Action.VIEW, CustomerFields.TYPE)).isEqualTo(DataFilter.never());

    Actor cleared = noClearance.withAttribute("clearance", "secret");
    Actor notCleared = noClearance.withAttribute("clearance", "public");
    assertThat(rbac.check(cleared, Action.VIEW, SECRET).allowed()).isTrue();
    assertThat(rbac.check(notCleared, Action.VIEW, SECRET).allowed()).isFalse();
    assertThat(rbac.check(notCleared, Action.VIEW, PLAIN).allowed()).isTrue();
    assertThat(rbac.filter(notCleared, Action.VIEW, CustomerFields.TYPE))
        .isEqualTo(DataFilter.where(Criteria.not(Criteria.eq("tags", "secret"))));
  }

  @Test
  void anInterpretedConditionThatFailsToEvaluateFailsClosed() {
    Actor rep = Actor.of("acme", "u").withRoles("rep").withAttribute("region", "EU");
    Resource gradeA = customer(Map.of("grade", List.of("AA")));
    Resource noGrade = customer(Map.of("region", List.of("EU")));
    assertThat(rbac.check(rep, Action.EDIT, gradeA).allowed()).isTrue();
    // the interpreter cannot read a grade the record does not have: the permit does not apply
    assertThat(rbac.check(rep, Action.EDIT, noGrade).allowed()).isFalse();
    // and a forbid that cannot be evaluated denies
    Actor viewer = Actor.of("acme", "v").withRoles("viewer").withAttribute("clearance", "secret");
    assertThat(rbac.check(viewer, Action.EDIT, customer(Map.of("grade", List.of("B")))).allowed()).isTrue();
    assertThat(rbac.check(viewer, Action.EDIT, customer(Map.of("grade", List.of("BZ")))).decidingRules())
        .containsExactly("no-edit-of-odd-grades");
    assertThat(rbac.check(viewer, Action.EDIT, noGrade).decidingRules()).containsExactly("no-edit-of-odd-grades");
  }

  @Test
  void anInterpretedConditionReadsTheRecordsId() {
    Rbac byId = Rbac.builder()
        .role("one", r -> r.permitWhen("customer", "resource.id.endsWith('1') && size(resource.id) == 2", Action.EDIT))
        .build();
    Actor a = Actor.of("acme", "u").withRoles("one");
    ObjectNode body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("id", "c1");
    assertThat(byId.check(a, Action.EDIT, Resource.stored(CustomerFields.TYPE, "c1", body, Map.of())).allowed())
        .isTrue();
    assertThat(byId.check(a, Action.EDIT, Resource.stored(CustomerFields.TYPE, "c2", body, Map.of())).allowed())
        .isFalse();
  }

  @Test
  void unknownTypesAndRolesDeny() {
    ResourceType invoices = new ResourceType("invoice", dev.rapport.crm.store.CollectionSpec.of("invoices",
        dev.rapport.crm.store.IndexSpec.single("total", dev.rapport.crm.store.IndexType.DECIMAL)),
        dev.rapport.crm.access.FieldCatalog.builder().build());
    Actor viewer = Actor.of("acme", "v").withRoles("viewer").withAttribute("clearance", "secret");
    assertThat(rbac.check(viewer, Action.VIEW, Resource.ofType(invoices)).decidingRules())
        .containsExactly("unknown-resource-type");
    assertThat(rbac.filter(viewer, Action.VIEW, invoices)).isEqualTo(DataFilter.never());
    Actor stranger = Actor.of("acme", "s").withRoles("superuser");
    assertThat(rbac.check(stranger, Action.VIEW, PLAIN).decidingRules()).containsExactly("no-permit");
  }

  @Test
  void assignmentsGrantOnlyWithinTheirPeriodAndScope() {
    Actor old = Actor.of("acme", "old").withAttribute("clearance", "secret");
    Actor future = Actor.of("acme", "future").withAttribute("clearance", "secret");
    Actor east = Actor.of("acme", "east").withAttribute("clearance", "secret");
    assertThat(rbac.check(old, Action.VIEW, PLAIN).allowed()).isFalse();
    assertThat(rbac.check(future, Action.VIEW, PLAIN).allowed()).isFalse();
    assertThat(rbac.check(east, Action.VIEW, PLAIN).allowed()).isFalse();
    assertThat(rbac.check(east, Action.VIEW, SECRET).allowed()).isTrue();
    assertThat(rbac.filter(east, Action.VIEW, CustomerFields.TYPE))
        .isEqualTo(DataFilter.where(Criteria.eq("region", "CN-East")));
    // the same assignment in another tenant grants nothing
    Actor elsewhere = Actor.of("globex", "east").withAttribute("clearance", "secret");
    assertThat(rbac.check(elsewhere, Action.VIEW, SECRET).allowed()).isFalse();
  }
}
