package dev.rapport.crm.samples;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.workflow.ApprovalDefinition;
import dev.rapport.crm.workflow.ApprovalRequest;
import dev.rapport.crm.workflow.ApprovalStep;
import dev.rapport.crm.workflow.Approvers;
import dev.rapport.crm.workflow.DecisionMode;
import dev.rapport.crm.workflow.Kpis;
import dev.rapport.crm.workflow.OnExpiry;
import dev.rapport.crm.workflow.Task;
import dev.rapport.crm.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The README's approval example (the lines between the markers are its Java block): a credit-limit raise parked for
 * a two-step approval, decided, and run once; then the definition as a Mermaid diagram and the KPIs. The quick
 * start runs it.
 */
public final class ReadmeWorkflow {
  private ReadmeWorkflow() {}

  record Result(Customer before, Customer after, List<Task> bobsInbox, ApprovalRequest done, String diagram,
                Kpis kpis, ApprovalDefinition definition) {}

  static Result run(Store store) {
    // README:start
    ApprovalDefinition creditLimit = ApprovalDefinition.builder("credit-limit", 1)
        .name("Credit limit above 100,000")
        .trigger(ApprovalDefinition.Trigger.on("customer.change-credit-limit")
            .when("resource.creditLimit.amount > 100000"))                      // CEL
        .step(ApprovalStep.named("manager").approvers(Approvers.manager())    // the requester's manager
            .timeLimit(Duration.ofHours(48), OnExpiry.escalateTo(Approvers.role("director"))).build())
        .step(ApprovalStep.named("finance").approvers(Approvers.role("finance"))
            .mode(DecisionMode.nOf(2)).build())                               // 2 of the finance team
        .build();
    Workflow workflow = Workflow.builder().definition(creditLimit).build();
    Directory directory = Directory.inMemory()                                // or your LDAP / HR system
        .manager("acme", "alice", "bob")
        .role("acme", "finance", "fay", "finn", "fred").role("acme", "director", "dora")
        .build();
    Crm crm = Crm.builder()
        .store(store)
        .accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none())
        .directory(directory)
        .approvals(workflow)
        .build();
    Actor alice = Actor.of("acme", "alice");
    Customer tea = crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "杭州茶业")
        .creditLimit("50000", "CNY").build());
    String requestId = null;
    try {
      crm.customers().changeCreditLimit(alice, tea.id(), Money.of("250000", "CNY"), "annual review");
    } catch (ApprovalPendingException pending) {
      requestId = pending.requestId();         // parked: nothing changed yet, and the customer is locked
    }
    List<Task> bobsInbox = workflow.inbox(Actor.of("acme", "bob"));
    workflow.approve(Actor.of("acme", "bob"), requestId, "ok");               // step 1: alice's manager
    workflow.approve(Actor.of("acme", "fay"), requestId, null);               // step 2: two of finance
    ApprovalRequest done = workflow.approve(Actor.of("acme", "finn"), requestId, "within policy");
    // done.execution().status() is "RAN": the change ran once, through the normal command path, as alice's
    String diagram = creditLimit.toMermaid();
    Kpis kpis = workflow.kpis(alice.tenant(), Instant.EPOCH);
    // every few seconds, on any node: due timers fire once across nodes; what a dead node approved runs
    workflow.sweep(alice.tenant());
    // README:end
    Customer after = crm.customers().require(alice, tea.id());
    crm.close();
    return new Result(tea, after, bobsInbox, done, diagram, kpis, creditLimit);
  }

  /** Runs the example on an in-memory store and prints it. */
  public static void main(String[] args) {
    print(run(dev.rapport.crm.store.memory.InMemoryStore.create()));
  }

  static void print(Result r) {
    System.out.println("\nApproval workflow (crm-workflow):");
    System.out.println("  bob's inbox: " + r.bobsInbox().stream().map(t -> t.definition() + "/" + t.step() + " for "
        + t.requester() + " on " + t.command()).toList());
    for (ApprovalRequest.StepState s : r.done().steps()) {
      System.out.println("  step " + s.name() + ": " + s.outcome() + " by " + s.votes().stream()
          .map(v -> v.by() + (v.comment() == null ? "" : " (" + v.comment() + ")")).toList());
    }
    System.out.println("  request " + r.done().state() + ", command " + r.done().execution().status()
        + ": credit limit " + r.before().creditLimit() + " -> " + r.after().creditLimit());
    System.out.println("  the definition as a Mermaid diagram:");
    r.diagram().lines().forEach(l -> System.out.println("    " + l));
    System.out.println("  KPIs:");
    r.kpis().describe().lines().forEach(l -> System.out.println("    " + l));
  }
}
