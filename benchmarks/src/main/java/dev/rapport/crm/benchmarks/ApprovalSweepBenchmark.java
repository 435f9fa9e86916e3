package dev.rapport.crm.benchmarks;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.workflow.ApprovalDefinition;
import dev.rapport.crm.workflow.ApprovalRequest;
import dev.rapport.crm.workflow.ApprovalStep;
import dev.rapport.crm.workflow.Approvers;
import dev.rapport.crm.workflow.OnExpiry;
import dev.rapport.crm.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * crm-workflow's timer sweep with many pending deadlines: {@code pending} requests (100,000 by default) whose step has
 * a time limit of 100 years, and {@value #DUE} whose step has a limit of one day, all parked through the command
 * path in the set-up (one customer each, since a request locks its customer). Each invocation moves the clock (a
 * {@link MutableClock} under both the store and the {@code Crm}) on by one day and runs
 * {@code workflow.sweep(tenant)}, which fires the {@value #DUE} due timers (a reminder each: the request's next
 * deadline set, an {@code approval.reminder} outbox event, one commit per request) and must leave the 100-year ones
 * alone; the score is timers fired per second ({@code @OperationsPerInvocation}).
 *
 * <p>The set-up also times sweeps that find nothing due (the cost of the pending requests to a sweep that has
 * nothing to do) and prints the median. Parking 100,000 requests takes minutes; H2 in memory by default,
 * {@code -p db=postgres} for the PostgreSQL server.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ApprovalSweepBenchmark -p pending=100000</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@State(Scope.Benchmark)
public class ApprovalSweepBenchmark {
  /** Requests due at every sweep. */
  static final int DUE = 1_000;
  static final TenantId TENANT = TenantId.of("bench");
  static final Actor ALICE = Actor.of(TENANT, "alice");
  static final Duration FAR = Duration.ofDays(36_500);
  static final Duration NEAR = Duration.ofDays(1);
  /** Raises above 500,000 get a one-day deadline; the other raises above 100,000, a 100-year one. */
  static final ApprovalDefinition NEAR_DEFINITION = ApprovalDefinition.builder("credit-limit-urgent", 1)
      .trigger(ApprovalDefinition.Trigger.on("customer.change-credit-limit")
          .when("resource.creditLimit.amount > 500000"))
      .step(ApprovalStep.named("manager").approvers(Approvers.users("bob")).timeLimit(NEAR, OnExpiry.remind()).build())
      .build();
  static final ApprovalDefinition FAR_DEFINITION = ApprovalDefinition.builder("credit-limit", 1)
      .trigger(ApprovalDefinition.Trigger.on("customer.change-credit-limit")
          .when("resource.creditLimit.amount > 100000"))
      .step(ApprovalStep.named("manager").approvers(Approvers.users("bob")).timeLimit(FAR, OnExpiry.remind()).build())
      .build();

  @Param({"h2"})
  public String db = "h2";

  @Param({"100000"})
  public int pending = 100_000;

  private final MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
  private @Nullable AuditDb database;
  private @Nullable Crm crm;
  private @Nullable Workflow workflow;
  private final Instant start = clock.instant();
  private long sweeps;
  private long fired;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    database = AuditDb.fresh(db, "sweep");
    Workflow w = Workflow.builder().definition(NEAR_DEFINITION).definition(FAR_DEFINITION).build();
    workflow = w;
    crm = Crm.builder().store(database.store(clock)).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .approvals(w).clock(clock).publishAfterCommit(false).build();
    long t0 = System.nanoTime();
    String far = "";
    for (int i = 0; i < pending; i++) {
      far = park(i, "200000");
      if ((i + 1) % 10_000 == 0) {
        System.out.printf(Locale.ROOT, "[%s] %,d requests pending (%.0f /s)%n", db, i + 1,
            (i + 1) / ((System.nanoTime() - t0) / 1e9));
      }
    }
    String near = "";
    for (int i = 0; i < DUE; i++) {
      near = park(pending + i, "600000");
    }
    System.out.printf(Locale.ROOT, "[%s] %,d pending requests with a 100-year deadline and %,d with a one-day one,"
        + " parked in %,d s%n", db, pending, DUE, (System.nanoTime() - t0) / 1_000_000_000);

    long[] idle = new long[21];
    for (int i = 0; i < idle.length; i++) {
      long t = System.nanoTime();
      Workflow.Sweep s = w.sweep(TENANT);
      idle[i] = System.nanoTime() - t;
      RapportApprovals.require(s.leaseHeld() && s.fired() == 0, "nothing is due yet: " + s);
    }
    Arrays.sort(idle);
    System.out.printf(Locale.ROOT, "[%s] a sweep with nothing due among %,d pending requests: %.2f ms (median of"
        + " %d)%n", db, pending + DUE, idle[idle.length / 2] / 1e6, idle.length);

    // one sweep through, checked: the one-day timers fire once each, the 100-year ones do not
    clock.advance(NEAR);
    Workflow.Sweep s = w.sweep(TENANT);
    RapportApprovals.require(s.fired() == DUE, DUE + " timers fired: " + s);
    ApprovalRequest n = w.request(TENANT, near);
    ApprovalRequest f = w.request(TENANT, far);
    RapportApprovals.require(n.step().reminders() == 1 && f.step().reminders() == 0,
        "a one-day request reminded once, a 100-year one not at all: " + n.step() + " / " + f.step());
    RapportApprovals.require(w.sweep(TENANT).fired() == 0, "a second sweep at the same time fires nothing");
  }

  /** Parks a raise to {@code amount} CNY on a new customer; the request's id. */
  private String park(int i, String amount) {
    Crm c = crm();
    String id = c.customers().create(ALICE, CustomerData.builder(CustomerKind.ORGANIZATION, "Sweep Customer " + i)
        .creditLimit("50000", "CNY").build()).id();
    try {
      c.customers().changeCreditLimit(ALICE, id, Money.of(amount, "CNY"), "raise");
    } catch (ApprovalPendingException e) {
      return e.requestId();
    }
    throw new IllegalStateException("the raise was not parked");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      Crm c = crm();
      Instant now = clock.instant();
      long dueNow = c.store().count(TENANT, Workflow.REQUESTS, Criteria.lte("dueAt", now));
      long farOff = c.store().count(TENANT, Workflow.REQUESTS, Criteria.gt("dueAt", now.plus(NEAR)));
      System.out.printf(Locale.ROOT, "%n[%s] %,d sweeps over %,d days fired %,d timers; %,d requests due now, %,d"
          + " still far off%n", db, sweeps, Duration.between(start, now).toDays(), fired, dueNow, farOff);
      RapportApprovals.require(fired == sweeps * DUE && dueNow == 0 && farOff == pending,
          "every sweep fired the one-day timers and only those");
    } finally {
      if (crm != null) {
        crm.close();
      }
      if (database != null) {
        database.close();
      }
      crm = null;
      database = null;
    }
  }

  /** One day on, one sweep: the {@value #DUE} one-day timers fire (a reminder each). */
  @Benchmark
  @OperationsPerInvocation(DUE)
  public Workflow.Sweep sweepDueTimers() {
    Workflow w = workflow();
    if (Duration.between(start, clock.instant()).compareTo(FAR.minus(NEAR.multipliedBy(2))) > 0) {
      throw new IllegalStateException("the 100-year deadlines are near: run fewer sweeps");
    }
    clock.advance(NEAR);
    Workflow.Sweep s = w.sweep(TENANT);
    if (s.fired() != DUE) {
      throw new IllegalStateException(DUE + " timers due, " + s.fired() + " fired");
    }
    sweeps++;
    fired += s.fired();
    return s;
  }

  private Crm crm() {
    Crm c = crm;
    if (c == null) {
      throw new IllegalStateException("not set up");
    }
    return c;
  }

  private Workflow workflow() {
    Workflow w = workflow;
    if (w == null) {
      throw new IllegalStateException("not set up");
    }
    return w;
  }
}
