package dev.rapport.crm.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerFields;
import org.junit.jupiter.api.Test;

/** Field access applied to stored JSON: what every output path (and other modules, through the hook) shows. */
class MaskingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode customer() throws Exception {
    return (ObjectNode) JSON.readTree("""
        {"id":"c1","tenant":"acme","kind":"ORGANIZATION","name":{"default":"Acme","variants":{"zh":"艾克美"}},
         "emails":["sales@acme.example","ceo@acme.example"],"phones":["+8613912345678"],
         "addresses":[{"country":"CN","city":"上海市","streetLines":["世纪大道 100 号"]}],
         "contactPersons":[{"name":{"default":"Li Lei","variants":{}},"role":"buyer",
                            "emails":["li@acme.example"],"phones":["+8613812345678"]}],
         "tags":["segment/vip"],"stage":"ACTIVE","stageEnteredAt":{"LEAD":"2026-01-02T00:00:00Z",
         "ACTIVE":"2026-02-03T00:00:00Z"},"grade":"A","owner":"bob","region":"CN-East",
         "creditLimit":{"amount":"250000.00","currency":"CNY"},"externalRefs":{"SAP":"100"},
         "customFields":{"vip_notes":"likes tea","tier":"gold"},"consents":{},"version":3}
        """);
  }

  @Test
  void everythingShownIsTheStoredBodyItself() throws Exception {
    ObjectNode body = customer();
    assertThat(Masking.apply(CustomerFields.TYPE, FieldAccess.all(), body)).isSameAs(body);
  }

  @Test
  void masksRewriteTextAndHideWhatCannotHoldMaskedText() throws Exception {
    ObjectNode body = customer();
    ObjectNode copy = body.deepCopy();
    FieldAccess access = FieldAccess.all()
        .withMask("phones", Mask.phone())
        .withMask("emails", Mask.email())
        .withMask("contactPersons.phones", Mask.keepLast(4))
        .withMask("creditLimit", Mask.phone())          // not text: any mask hides it
        .withMask("customFields.vip_notes", Mask.replaceWith("[confidential]"))
        .withMask("addresses", Mask.hidden());

    ObjectNode shown = Masking.apply(CustomerFields.TYPE, access, body);

    assertThat(body).isEqualTo(copy); // the argument is not changed
    assertThat(shown.get("phones").get(0).asText()).isEqualTo("+86 *** **** 5678");
    assertThat(shown.get("emails").get(0).get("masked").asText()).isEqualTo("s***@acme.example");
    assertThat(shown.get("emails").get(1).get("masked").asText()).isEqualTo("c***@acme.example");
    assertThat(shown.at("/contactPersons/0/phones/0").asText()).isEqualTo("**********5678");
    assertThat(shown.at("/contactPersons/0/emails/0").asText()).isEqualTo("li@acme.example");
    assertThat(shown.has("creditLimit")).isFalse();
    assertThat(shown.get("addresses")).isEmpty();
    assertThat(shown.at("/customFields/vip_notes").asText()).isEqualTo("[confidential]");
    assertThat(shown.at("/customFields/tier").asText()).isEqualTo("gold");
    assertThat(shown.get("version").asLong()).isEqualTo(3);
  }

  @Test
  void unreadableFieldsAreHiddenAndRequiredTextReadsStars() throws Exception {
    FieldAccess access = FieldAccess.all().withReadable(FieldSet.of("emails", "contactPersons.name",
        "customFields.tier"));

    ObjectNode shown = Masking.apply(CustomerFields.TYPE, access, customer());

    assertThat(shown.at("/name/default").asText()).isEqualTo("***");
    assertThat(shown.at("/name/variants/zh").asText()).isEqualTo("***");
    assertThat(shown.get("stage").asText()).isEqualTo("***");
    assertThat(shown.get("stageEnteredAt")).as("the stage history would tell the stage").isEmpty();
    assertThat(shown.get("emails")).hasSize(2);
    assertThat(shown.get("phones")).isEmpty();
    assertThat(shown.has("grade")).isFalse();
    assertThat(shown.has("owner")).isFalse();
    assertThat(shown.get("tags")).isEmpty();
    // a parent is shown for its readable child; its other catalogued children are hidden
    assertThat(shown.at("/contactPersons/0/name/default").asText()).isEqualTo("Li Lei");
    assertThat(shown.at("/contactPersons/0/phones")).isEmpty();
    assertThat(shown.at("/contactPersons/0").has("role")).isFalse();
    assertThat(shown.get("customFields").has("vip_notes")).isFalse();
    assertThat(shown.at("/customFields/tier").asText()).isEqualTo("gold");
    // identity and bookkeeping always show
    assertThat(shown.get("id").asText()).isEqualTo("c1");
    assertThat(shown.get("kind").asText()).isEqualTo("ORGANIZATION");
  }

  @Test
  void theHookMasksAsThePolicyDecidesForTheViewerAndHidesRecordsTheViewerMayNotSee() throws Exception {
    AccessPolicy policy = new AccessPolicy() {
      @Override
      public Decision check(Actor actor, Action action, Resource resource) {
        if (actor.userId().equals("mallory")) {
          return Decision.deny("nope");
        }
        return Decision.allow(FieldAccess.all().withMask("phones", Mask.phone()), "masked-phones");
      }

      @Override
      public DataFilter filter(Actor actor, Action action, ResourceType type) {
        return DataFilter.always();
      }
    };
    Masking hook = Masking.of(policy);
    assertThat(hook.forViewer(Actor.of("acme", "auditor"), CustomerFields.TYPE, "c1", customer()))
        .hasValueSatisfying(b -> assertThat(b.get("phones").get(0).asText()).isEqualTo("+86 *** **** 5678"));
    assertThat(hook.forViewer(Actor.of("acme", "mallory"), CustomerFields.TYPE, "c1", customer())).isEmpty();
  }

  @Test
  void catalogPathsAreCheckedForPolicyAuthors() {
    FieldAccess access = FieldAccess.all().withReadable(FieldSet.of("emails", "salary"))
        .withMask("customFields.anything", Mask.hidden()).withMask("contactPersons.ssn", Mask.hidden());
    assertThat(CustomerFields.FIELDS.unknownPaths(access)).containsExactly("salary", "contactPersons.ssn");
  }
}
