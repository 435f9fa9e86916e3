package dev.rapport.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.approval.Approval;
import dev.rapport.crm.approval.ApprovalGate;
import dev.rapport.crm.approval.GateDecision;
import dev.rapport.crm.approval.GateRequest;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.error.ApprovalRejectedException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.rbac.Assignment;
import dev.rapport.crm.rbac.Rbac;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The record kinds beyond plain changes, each written into the trail and sealed: commands parked for approval,
 * approved and rejected; role, assignment and policy changes made through crm-rbac's administration.
 */
class AuditCoverageTest {
  private final MutableClock clock = MutableClock.at("2026-03-01T08:00:00Z");
  private final Store store = InMemoryStore.create(clock);
  private final AuditTrail audit = AuditTrail.builder().blockSize(3).build();
  private final Actor alice = Actor.of("acme", "alice");

  /** Parks credit limits above 100,000 (the request id is the only thing it keeps); rejects when told to. */
  private static final class ThresholdGate implements ApprovalGate {
    final AtomicInteger ids = new AtomicInteger();
    volatile boolean reject;

    @Override
    public GateDecision evaluate(GateRequest request) {
      if (!request.command().name().equals("customer.change-credit-limit") || request.resuming() != null) {
        return GateDecision.proceed();
      }
      if (reject) {
        return new GateDecision.Reject("a request for this customer is pending", List.of("one-at-a-time"), "apr-1");
      }
      BigDecimal amount = new BigDecimal(request.after().path("creditLimit").path("amount").asText("0"));
      return amount.compareTo(new BigDecimal("100000")) <= 0 ? GateDecision.proceed()
          : GateDecision.park("apr-" + ids.incrementAndGet(), "credit limit above 100000", List.of());
    }
  }

  @Test
  void parkedApprovedAndRejectedCommandsAreRecordedWithTheirRequestAndApprovers() {
    ThresholdGate gate = new ThresholdGate();
    Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(audit).approvals(gate)
        .clock(clock).build();
    Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "杭州茶业").build());
    assertThatThrownBy(() -> crm.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "expansion"))
        .isInstanceOf(ApprovalPendingException.class);
    clock.advance(Duration.ofHours(3));
    crm.parkedCommands().resume(alice.tenant(), new Approval("apr-1", List.of("carol", "dave"), clock.instant()));
    gate.reject = true;
    assertThatThrownBy(() -> crm.customers().changeCreditLimit(alice, c.id(), Money.of("300000", "CNY"), "more"))
        .isInstanceOf(ApprovalRejectedException.class);

    List<AuditRecord> all = audit.history(alice.tenant(), HistoryQuery.forResource("customer", c.id()));
    assertThat(all).extracting(AuditRecord::outcome).containsExactly("APPLIED", "PARKED", "APPROVED", "REJECTED");
    AuditRecord parked = all.get(1);
    assertThat(parked.payload().path("requestId").asText()).isEqualTo("apr-1");
    assertThat(parked.reason()).isEqualTo("expansion");
    assertThat(parked.changes()).extracting(FieldChange::field).contains("creditLimit.amount");
    AuditRecord approved = all.get(2);
    assertThat(approved.actor()).isEqualTo("alice");
    assertThat(approved.payload().path("approval").path("approvers")).extracting(JsonNode::asText)
        .containsExactly("carol", "dave");
    assertThat(approved.payload().path("approval").path("requestId").asText()).isEqualTo("apr-1");
    assertThat(all.get(3).payload().path("decidingRules")).extracting(JsonNode::asText)
        .containsExactly("one-at-a-time");
    // only the approved change wrote a version; the parked and rejected ones did not
    assertThat(audit.versions(alice.tenant(), "customer", c.id())).extracting(AuditRecord::outcome)
        .containsExactly("APPLIED", "APPROVED");
    assertThat(audit.stateAt(alice.tenant(), "customer", c.id(), 2).orElseThrow().path("creditLimit")
        .path("amount").asText()).isEqualTo("250000.00");
    audit.seal(alice.tenant());
    assertThat(audit.verify(alice.tenant()).intact()).isTrue();
  }

  @Test
  void roleAssignmentAndPolicyChangesAreRecordedWithTheirChanges() {
    Rbac rbac = Rbac.fromYaml("""
        attributes: [region]
        roles:
          sales_rep:
            permissions:
              - {id: rep-view, resource: customer, actions: [view], when: resource.region == subject.region}
          admin:
            permissions:
              - {id: admin-customers, resource: customer, actions: ["*"]}
              - {id: admin-roles, resource: role, actions: ["*"]}
              - {id: admin-policies, resource: policy, actions: ["*"]}
        """, "access.yaml");
    // building the Crm starts rbac's administration on its store, clock and audit recorder
    Crm.builder().store(store).accessPolicy(rbac).audit(audit).clock(clock)
        .indexes(CustomerFields.COLLECTION, rbac.requiredIndexes(CustomerFields.TYPE)).build();
    Actor root = Actor.of("acme", "root").withRoles("admin");
    rbac.admin().grant(root, Assignment.of("acme", "li.wei", "sales_rep"), "new hire");
    rbac.admin().defineRole(root, "key_account", """
        inherits: [sales_rep]
        permissions:
          - {id: ka-view, resource: customer, actions: [view], when: "'segment/key' in resource.tags"}
        """, "key accounts team");
    rbac.admin().revoke(root, Assignment.of("acme", "li.wei", "sales_rep"), "left the team");
    rbac.admin().removeRole(root, "key_account", "team dissolved");

    List<AuditRecord> records = audit.history(root.tenant(), HistoryQuery.all().kind("change"));
    assertThat(records).extracting(AuditRecord::command)
        .containsExactly("rbac.grant", "rbac.define-role", "rbac.revoke", "rbac.remove-role");
    assertThat(records).extracting(AuditRecord::actor).containsOnly("root");
    assertThat(records).extracting(AuditRecord::reason)
        .containsExactly("new hire", "key accounts team", "left the team", "team dissolved");
    assertThat(records).allSatisfy(r -> assertThat(r.changes()).isNotEmpty());
    assertThat(records.get(1).resourceType()).isEqualTo("role");
    assertThat(records.get(1).changes()).extracting(FieldChange::field).isNotEmpty();
    audit.seal(root.tenant());
    assertThat(audit.verify(root.tenant()).intact()).isTrue();
  }
}
