package dev.rapport.crm.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.access.Action;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loading checks everything at once and says where each problem is: file, line, rule id. */
class PolicyLoadingTest {

  private static List<PolicyProblem> errorsOf(String yaml) {
    try {
      Rbac.fromYaml(yaml, "access.yaml");
    } catch (PolicyException e) {
      return e.errors();
    }
    throw new AssertionError("the policy loaded");
  }

  @Test
  void everyErrorIsReportedAtOnceWithItsLineAndRule() {
    String yaml = """
        attributes: [region]
        roles:
          rep:
            inherits: [emplyee]
            permissions:
              - id: rep-view
                resource: customer
                actions: [view]
                when: resource.region == subject.regoin
              - id: rep-edit
                resource: customer
                actions: [edit, fly]
                when: resource.creditLimit > 'high'
              - id: rep-cases
                resource: kase
                actions: [view]
            fields:
              customer:
                read: [name, phone]
                mask: {phones: scramble}
        policies:
          - id: forbid-x
            effect: forbid
            resource: customer
            actions: [export]
            roles: [ghost]
        """;
    List<PolicyProblem> errors = errorsOf(yaml);
    // CEL's list of candidate overloads is its own business
    assertThat(errors).extracting(p -> p.toString().replaceAll(" \\(candidates: .*", "")).containsExactlyInAnyOrder(
        "access.yaml:12 [rep-edit] error: unknown action fly (actions: view, create, edit, delete, export, assign,"
            + " approve, merge, erase, administer, or *)",
        "access.yaml:20 [rep] error: unknown mask scramble (masks: phone, email, hidden, last:N, replace:TEXT)",
        "access.yaml:3 [rep] error: role rep inherits unknown role emplyee (roles: rep)",
        "access.yaml:9 [rep-view] error: condition, column 27: unknown subject attribute 'regoin': declare it"
            + " under attributes (declared: region)",
        "access.yaml:13 [rep-edit] error: condition, column 22: found no matching overload for '_>_' applied to"
            + " '(double, string)'",
        "access.yaml:14 [rep-cases] error: unknown resource type kase (resource types: customer, interaction,"
            + " case, role, policy)",
        "access.yaml:22 [forbid-x] error: unknown role ghost (roles: rep)",
        "access.yaml:18 [rep] error: unknown field(s) of customer: phone (its fields: name, emails, phones,"
            + " addresses, contactPersons, contactPersons.name, contactPersons.role, contactPersons.emails,"
            + " contactPersons.phones, tags, stage, stageEnteredAt, grade, owner, team, department, region,"
            + " creditLimit, externalRefs, customFields, customFields.*, consents)");
  }

  @Test
  void anInheritanceCycleIsRefusedNamingTheCycle() {
    List<PolicyProblem> errors = errorsOf("""
        roles:
          a: {inherits: [b], permissions: [{id: a1, resource: customer, actions: [view]}]}
          b: {inherits: [c]}
          c: {inherits: [a]}
        """);
    assertThat(errors).extracting(PolicyProblem::message)
        .containsExactly("role inheritance has a cycle: a -> b -> c -> a");
    assertThat(errors.get(0).line()).isEqualTo(2);
  }

  @Test
  void aViewRuleTheStoreCannotRunIsRefused() {
    List<PolicyProblem> errors = errorsOf("""
        roles:
          rep:
            permissions:
              - id: rep-view
                resource: customer
                actions: [view]
                when: resource.name.contains('Acme')
              - id: rep-edit
                resource: customer
                actions: [edit]
                when: resource.name.contains('Acme')
        """);
    assertThat(errors).singleElement().satisfies(e -> {
      assertThat(e.subject()).isEqualTo("rep-view");
      assertThat(e.line()).isEqualTo(4);
      assertThat(e.message()).startsWith("a rule for view or export must translate into a query the store runs");
    });
  }

  @Test
  void unknownKeysAndBadSyntaxAreLocated() {
    assertThat(errorsOf("roles:\n  rep:\n    permisions: []\n")).extracting(PolicyProblem::toString)
        .containsExactly("access.yaml:3 [rep] error: unknown key 'permisions' (known: inherits, permissions, fields,"
            + " description)");
    assertThat(errorsOf("roles: [\n")).singleElement()
        .satisfies(e -> assertThat(e.message()).startsWith("not valid YAML"));
  }

  @Test
  void mutuallyExclusiveRolesAreRefusedAtAssignmentAndThroughInheritance() {
    assertThatThrownBy(() -> Rbac.builder()
        .role("finance", r -> r.permit("customer", Action.VIEW))
        .role("sales_rep", r -> r.permit("customer", Action.VIEW))
        .exclusive("finance", "sales_rep")
        .assign(Assignment.of("acme", "eve", "finance"))
        .assign(Assignment.of("acme", "eve", "sales_rep"))
        .assign(Assignment.of("other", "eve", "sales_rep"))
        .build())
        .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.errors()).extracting(PolicyProblem::message)
            .containsExactly("user eve of tenant acme would hold mutually exclusive roles finance and sales_rep"));
    assertThatThrownBy(() -> Rbac.builder()
        .role("finance", r -> r.permit("customer", Action.VIEW))
        .role("sales_rep", r -> r.permit("customer", Action.VIEW))
        .role("both", r -> r.inherits("finance", "sales_rep"))
        .exclusive("finance", "sales_rep")
        .build())
        .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.errors()).extracting(PolicyProblem::message)
            .containsExactly("role both holds mutually exclusive roles finance and sales_rep through its"
                + " inheritance"));
  }

  @Test
  void rulesThatCanNeverApplyOrAreShadowedLoadWithWarnings() {
    Rbac rbac = Rbac.builder()
        .attributes("region")
        .role("rep", r -> r
            .permit("customer", Action.VIEW)
            .permit(Rule.permit("rep-view-region").on("customer").actions(Action.VIEW)
                .when("resource.stage == 'LEAD'"))
            .permit(Rule.permit("rep-never").on("customer").actions(Action.EDIT).when("1 == 2 && false")))
        .role("idle", r -> { })
        .policy(Rule.forbid("no-erase").on("customer").actions(Action.ERASE))
        .policy(Rule.permit("erase-leads").on("customer").actions(Action.ERASE).when("resource.stage == 'LEAD'"))
        .build();
    assertThat(rbac.warnings()).extracting(PolicyProblem::toString).containsExactlyInAnyOrder(
        "builder [rep-view-region] warning: shadowed by rule rep:customer:view, which permits the same without a"
            + " condition",
        "builder [rep-never] warning: the condition is always false: the rule can never apply",
        "builder [erase-leads] warning: can never apply: forbid no-erase denies [ERASE] on customer to everyone",
        "builder [idle] warning: role idle grants nothing: no permissions, no inherited role, no policy names it");
  }

  @Test
  void jsonPoliciesLoadToo() {
    Rbac rbac = Rbac.builder().loadJson("""
        {"roles": {"viewer": {"permissions": [{"id": "v", "resource": "customer", "actions": ["view"]}]}}}
        """, "access.json").build();
    assertThat(rbac.warnings()).isEmpty();
  }
}
