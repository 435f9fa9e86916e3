package dev.rapport.crm.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.FieldAccess;
import dev.rapport.crm.access.FieldSet;
import dev.rapport.crm.access.Mask;
import dev.rapport.crm.access.Masking;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.interaction.InteractionFields;
import dev.rapport.crm.servicecase.CaseFields;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The realistic policy of {@code crm-policy.yaml} as a decision matrix: every role, every action, on a customer of
 * the CN-East region owned by li.wei (tagged for marketing, credit limit 5,000), and every field each role reads,
 * writes or sees masked.
 */
class DecisionMatrixTest {
  private static final Rbac RBAC = RbacOnTheCommandPathTest.policy();

  static final Map<String, Actor> ACTORS = Map.of(
      "admin", Actor.of("acme", "root").withRoles("admin"),
      "sales_manager", Actor.of("acme", "chen").withRoles("sales_manager").withAttribute("region", "CN-East"),
      "sales_rep", Actor.of("acme", "li.wei").withRoles("sales_rep").withAttribute("region", "CN-East"),
      "service_rep", Actor.of("acme", "sam").withRoles("service_rep"),
      "marketing", Actor.of("acme", "mia").withRoles("marketing"),
      "finance", Actor.of("acme", "fay").withRoles("finance"),
      "auditor", Actor.of("acme", "al").withRoles("auditor"));

  private static final ObjectNode CUSTOMER = stored();

  /** A customer as the store holds it, made by the command path. */
  private static ObjectNode stored() {
    dev.rapport.crm.store.memory.InMemoryStore store = dev.rapport.crm.store.memory.InMemoryStore.create();
    dev.rapport.crm.Crm crm = dev.rapport.crm.Crm.builder().store(store)
        .accessPolicy(dev.rapport.crm.access.AccessPolicy.allowAll())
        .audit(dev.rapport.crm.recording.AuditRecorder.none()).build();
    dev.rapport.crm.customer.Customer c = crm.customers().create(ACTORS.get("admin"),
        dev.rapport.crm.customer.CustomerData.builder(dev.rapport.crm.customer.CustomerKind.ORGANIZATION,
                "Shanghai Trading 上海贸易")
            .region("CN-East").owner("li.wei").grade("B").stage("ACTIVE")
            .email("buyer@shanghai-trading.example").phone("+8613912345678").tag("consent/marketing")
            .creditLimit("5000", "CNY").build());
    return store.get(c.tenant(), CustomerFields.COLLECTION, c.id()).orElseThrow().body();
  }

  static ObjectNode customer() {
    return CUSTOMER.deepCopy();
  }

  /** role | actions allowed on the customer (the rest are denied). */
  static Stream<Arguments> matrix() {
    return Stream.of(
        Arguments.of("admin", "VIEW CREATE EDIT DELETE EXPORT ASSIGN APPROVE MERGE ERASE ADMINISTER"),
        Arguments.of("sales_manager", "VIEW CREATE EDIT EXPORT ASSIGN APPROVE MERGE"),
        Arguments.of("sales_rep", "VIEW CREATE EDIT EXPORT"),
        Arguments.of("service_rep", "VIEW"),
        Arguments.of("marketing", "VIEW EXPORT"),
        Arguments.of("finance", "VIEW EDIT EXPORT"),
        Arguments.of("auditor", "VIEW EXPORT"));
  }

  @ParameterizedTest(name = "{0} may {1}")
  @MethodSource("matrix")
  void everyRoleEveryActionOnACustomer(String role, String allowed) {
    List<String> yes = Arrays.asList(allowed.split(" "));
    Actor actor = ACTORS.get(role);
    ObjectNode body = customer();
    for (Action action : Action.values()) {
      Resource r = action == Action.CREATE ? Resource.ofType(CustomerFields.TYPE)
          : Resource.stored(CustomerFields.TYPE, body.get("id").asText(), body);
      Decision d = RBAC.check(actor, action, r);
      assertThat(d.allowed()).as("%s %s: %s", role, action, d.decidingRules())
          .isEqualTo(yes.contains(action.name()));
      assertThat(d.decidingRules()).isNotEmpty();
      // filter and check agree on this record for the listing actions
      if (action == Action.VIEW || action == Action.EXPORT) {
        dev.rapport.crm.access.DataFilter f = RBAC.filter(actor, action, CustomerFields.TYPE);
        boolean admitted = dev.rapport.crm.query.CriteriaEvaluator.matches(f.asCriteria(),
            x -> CustomerFields.TYPE.valuesOf(body).getOrDefault(x, List.of()));
        assertThat(admitted).as("%s %s filter", role, action).isEqualTo(d.allowed());
      }
    }
  }

  static Stream<Arguments> fields() {
    return Stream.of(
        Arguments.of("admin", FieldAccess.all()),
        Arguments.of("sales_manager", FieldAccess.all()),
        Arguments.of("sales_rep", FieldAccess.all().withWritable(FieldSet.of("name", "emails", "phones",
            "addresses", "contactPersons", "tags", "stage", "owner", "region", "customFields"))),
        Arguments.of("service_rep", new FieldAccess(FieldSet.of("name", "emails", "phones", "stage", "tags",
            "region", "owner", "contactPersons"), FieldSet.none(), Map.of("phones", Mask.phone(), "emails",
            Mask.email(), "contactPersons.phones", Mask.phone(), "contactPersons.emails", Mask.email()))),
        Arguments.of("marketing", new FieldAccess(FieldSet.of("name", "emails", "tags", "stage", "region",
            "grade"), FieldSet.none(), Map.of("emails", Mask.email()))),
        Arguments.of("finance", new FieldAccess(FieldSet.of("name", "stage", "grade", "region", "creditLimit",
            "externalRefs"), FieldSet.of("creditLimit"), Map.of())),
        Arguments.of("auditor", FieldAccess.all().withWritable(FieldSet.none())));
  }

  @ParameterizedTest(name = "{0} fields")
  @MethodSource("fields")
  void everyRoleReadsWritesAndSeesMaskedTheFieldsItShould(String role, FieldAccess expected) {
    Decision d = RBAC.check(ACTORS.get(role), Action.VIEW, Resource.stored(CustomerFields.TYPE, "c1", customer()));
    assertThat(d.fields()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} sees")
  @MethodSource("matrix")
  void masksAsEachRoleSeesTheRecord(String role, String ignored) {
    ObjectNode shown = Masking.of(RBAC).forViewer(ACTORS.get(role), CustomerFields.TYPE, "c1", customer())
        .orElseThrow();
    switch (role) {
      case "service_rep" -> {
        assertThat(shown.get("phones").get(0).asText()).isEqualTo("+86 *** **** 5678");
        assertThat(shown.get("emails").get(0).get("masked").asText()).isEqualTo("b***@shanghai-trading.example");
        assertThat(shown.has("creditLimit")).isFalse();
        assertThat(shown.has("grade")).isFalse();
      }
      case "marketing" -> {
        assertThat(shown.get("phones")).isEmpty();
        assertThat(shown.get("emails").get(0).get("masked").asText()).isEqualTo("b***@shanghai-trading.example");
        assertThat(shown.get("grade").asText()).isEqualTo("B");
        assertThat(shown.has("owner")).isFalse();
      }
      case "finance" -> {
        assertThat(shown.get("phones")).isEmpty();
        assertThat(shown.get("emails")).isEmpty();
        assertThat(shown.get("tags")).isEmpty();
        assertThat(shown.get("creditLimit").get("amount").asText()).isEqualTo("5000.00");
      }
      default -> assertThat(shown).isEqualTo(customer());
    }
    assertThat(shown.get("name").get("default").asText()).isEqualTo("Shanghai Trading 上海贸易");
  }

  @ParameterizedTest(name = "{0} on interactions and cases")
  @MethodSource("matrix")
  void interactionsAndCases(String role, String ignored) {
    Actor a = ACTORS.get(role);
    boolean interactionView = List.of("admin", "sales_manager", "sales_rep", "auditor").contains(role);
    boolean caseEdit = List.of("admin", "service_rep").contains(role);
    assertThat(RBAC.check(a, Action.VIEW, Resource.ofType(InteractionFields.TYPE)).allowed())
        .isEqualTo(interactionView);
    assertThat(RBAC.check(a, Action.EDIT, Resource.ofType(CaseFields.TYPE)).allowed()).isEqualTo(caseEdit);
  }
}
