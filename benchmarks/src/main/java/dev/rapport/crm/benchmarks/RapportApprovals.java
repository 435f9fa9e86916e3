package dev.rapport.crm.benchmarks;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.workflow.ApprovalDefinition;
import dev.rapport.crm.workflow.ApprovalRequest;
import dev.rapport.crm.workflow.ApprovalStep;
import dev.rapport.crm.workflow.Approvers;
import dev.rapport.crm.workflow.RequestState;
import dev.rapport.crm.workflow.Workflow;
import java.math.BigDecimal;
import java.sql.SQLException;

/**
 * Rapport's side of the approval benchmark: a {@link Crm} on a {@code JdbcStore} in one {@link AuditDb}
 * ({@code allowAll}, no audit, no delivery after commit) with a {@link Workflow} of one definition, the issue's
 * credit-limit approval: {@code customer.change-credit-limit} above 100,000 parks as a request that alice's manager
 * (bob, from the {@link Directory}) and then finance (fay) approve, each step decided by one vote; the second approval
 * runs the parked command. {@link #CUSTOMERS} customers at a limit of 50,000 are created first, and the requests go
 * round them, each finished before the next one on that customer starts, so no request finds its customer locked.
 */
final class RapportApprovals implements AutoCloseable {
  static final int CUSTOMERS = 2_000;
  static final TenantId TENANT = TenantId.of("bench");
  static final Actor ALICE = Actor.of(TENANT, "alice");
  static final Actor BOB = Actor.of(TENANT, "bob");
  static final Actor FAY = Actor.of(TENANT, "fay");
  static final ApprovalDefinition CREDIT = ApprovalDefinition.builder("credit-limit", 1)
      .name("Credit limit above 100,000")
      .trigger(ApprovalDefinition.Trigger.on("customer.change-credit-limit")
          .when("resource.creditLimit.amount > 100000"))
      .step(ApprovalStep.named("manager").approvers(Approvers.manager()).build())
      .step(ApprovalStep.named("finance").approvers(Approvers.users("fay")).build())
      .build();

  final AuditDb db;
  final Workflow workflow;
  final Crm crm;
  private final String[] customers = new String[CUSTOMERS];
  private long requests;

  RapportApprovals(AuditDb db) {
    this.db = db;
    this.workflow = Workflow.builder().definition(CREDIT).build();
    Directory directory = Directory.inMemory().manager(TENANT.value(), "alice", "bob").build();
    this.crm = Crm.builder().store(db.store()).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .directory(directory).approvals(workflow).publishAfterCommit(false).build();
    for (int i = 0; i < CUSTOMERS; i++) {
      customers[i] = crm.customers().create(ALICE, CustomerData.builder(CustomerKind.ORGANIZATION,
          "Approval Customer " + i).creditLimit("50000", "CNY").build()).id();
    }
    check();
  }

  /** One request, start to finish: parked, approved by the manager, approved by finance, run. */
  ApprovalRequest process() {
    String id = park();
    approveManager(id);
    return approveFinance(id);
  }

  /** Asks for the next raise (100,001 CNY and up, a new amount every time) on the next customer; the request's id. */
  String park() {
    long n = requests++;
    try {
      crm.customers().changeCreditLimit(ALICE, customers[(int) (n % CUSTOMERS)], amount(n), "raise");
    } catch (ApprovalPendingException pending) {
      return pending.requestId();
    }
    throw new IllegalStateException("the raise was not parked for approval");
  }

  ApprovalRequest approveManager(String requestId) {
    return workflow.approve(BOB, requestId, null);
  }

  /** The final approval: the parked command runs in this call. */
  ApprovalRequest approveFinance(String requestId) {
    return workflow.approve(FAY, requestId, null);
  }

  private static Money amount(long n) {
    return Money.of(BigDecimal.valueOf(100_001 + n), "CNY");
  }

  /** One request through, checked: who decided, that the command ran and that the customer's limit changed. */
  private void check() {
    long n = requests;
    String customer = customers[(int) (n % CUSTOMERS)];
    Customer before = crm.customers().require(ALICE, customer);
    String id = park();
    ApprovalRequest r = workflow.request(TENANT, id);
    require(r.state() == RequestState.PENDING && r.step().candidates().equals(java.util.List.of("bob")),
        "a parked request waits for bob: " + r);
    r = approveManager(id);
    require(r.state() == RequestState.PENDING && r.step().name().equals("finance")
        && r.step().candidates().equals(java.util.List.of("fay")), "after bob, the request waits for fay: " + r);
    r = approveFinance(id);
    ApprovalRequest.Execution e = r.execution();
    require(r.state() == RequestState.APPROVED && e != null && e.status().equals("RAN"),
        "after fay, the request is approved and its command ran: " + r);
    Customer after = crm.customers().require(ALICE, customer);
    require(after.creditLimit() != null && after.creditLimit().equals(amount(n))
        && after.version() == before.version() + 1, "the customer's credit limit changed: " + after.creditLimit());
    require(workflow.lockOf(TENANT, "customer", customer).isEmpty(), "the customer is unlocked");
  }

  /** Requests in {@code state}, counted through the store's index. */
  long requests(RequestState state) {
    return crm.store().count(TENANT, Workflow.REQUESTS, Criteria.eq("state", state.name()));
  }

  /** Requests asked for so far (the set-up's one included). */
  long asked() {
    return requests;
  }

  static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("not as expected: " + what);
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      crm.close();
    } finally {
      db.close();
    }
  }
}
