package dev.rapport.crm.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * Comments and reasons are free text: bidirectional formatting controls are refused there unless the host allows
 * them in free text ({@code Crm.builder().allowBidiControlsInFreeText(true)}); user ids refuse them whatever it says.
 */
class FreeTextTest {

  static String parked(boolean bidiInFreeText, Workflow workflow) {
    MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
    Crm crm = Crm.builder().store(InMemoryStore.create(clock)).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).directory(Directory.inMemory().manager("acme", "alice", "bob").build())
        .approvals(workflow).clock(clock).publishAfterCommit(false).allowBidiControlsInFreeText(bidiInFreeText)
        .build();
    Actor alice = Actor.of("acme", "alice");
    Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "شركة الشاي")
        .creditLimit("50000", "CNY").build());
    try {
      crm.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review");
    } catch (ApprovalPendingException e) {
      return e.requestId();
    }
    throw new AssertionError("not parked");
  }

  static Workflow workflow() {
    return Workflow.builder().definition(ScenarioContract.CREDIT).build();
  }

  @Test
  void rightToLeftProseWithBidiControlsIsKeptWhereTheHostAllowsThem() {
    Workflow w = workflow();
    String id = parked(true, w);
    String comment = "موافق \u202Bعلى الحد 250000\u202C";
    assertThat(w.approve(Actor.of("acme", "bob"), id, comment).steps().get(0).votes().get(0).comment())
        .isEqualTo(comment);
    assertThatThrownBy(() -> w.delegate(Actor.of("acme", "bob"), "fa\u202Ey", java.time.Instant.parse(
        "2026-03-02T08:00:00Z"), java.time.Instant.parse("2026-03-09T08:00:00Z"), comment))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(v -> v.path() + " " + v.rule()).containsExactly("delegate text.bidi"));
  }

  @Test
  void withoutTheHostsLeaveBidiControlsInACommentAreRefused() {
    Workflow w = workflow();
    String id = parked(false, w);
    assertThatThrownBy(() -> w.approve(Actor.of("acme", "bob"), id, "موافق \u202Bعلى\u202C"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(v -> v.path() + " " + v.rule()).containsExactly("comment text.bidi"));
  }
}
