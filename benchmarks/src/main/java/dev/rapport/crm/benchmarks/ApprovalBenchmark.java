package dev.rapport.crm.benchmarks;

import dev.rapport.crm.workflow.ApprovalRequest;
import dev.rapport.crm.workflow.RequestState;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * A two-step approval, start to finish, on H2 in memory or PostgreSQL, each side in a database or schema of its own
 * made for the run:
 *
 * <ul>
 *   <li>{@link #rapportProcess}: crm-workflow ({@link RapportApprovals}): {@code changeCreditLimit} above 100,000
 *       parks as a request ({@code ApprovalPendingException}), alice's manager bob approves, fay (finance) approves
 *       and the parked command runs: the customer's credit limit changes, with its outbox events, through the
 *       normal command path;
 *   <li>{@link #flowableProcess}: the anchor, Flowable 7 embedded ({@link FlowableApprovals}, history {@code audit}):
 *       the same process as BPMN, started with the raise as variables, each of its two user tasks found by the
 *       process instance and completed, then a service task that reads the amount and writes nothing (so the
 *       anchor's figure holds no domain write; Rapport's does).
 * </ul>
 *
 * Both throughput methods are one whole process per operation. The {@code SampleTime} methods give each command's
 * latency (p50, p99 in JMH's percentiles) with the rest of the process done outside the timed call, in
 * {@code Level.Invocation} fixtures, so every timed call meets the state it would meet inside a whole process and
 * every process is finished before the next starts: {@code rapportPark} / {@code flowableStart} (the request made),
 * {@code rapportApproveManager} / {@code flowableCompleteManager} (step one), {@code rapportApproveFinance} /
 * {@code flowableCompleteFinance} (step two, which runs the command or the service task). A Flowable completion
 * includes the task query that finds the open task, as in the throughput method. Each operation takes hundreds of
 * microseconds at least, so the fixtures' own timestamps do not matter.
 *
 * <p>Only the side the running method needs is set up; the set-up runs one process and checks every step of it, the
 * tear-down checks that every process the run started finished, then drops what it made.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ApprovalBenchmark -p db=postgres</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
// Flowable logs its engines' start at INFO: kept out of the console
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.log.org.flowable=warn")
@State(Scope.Benchmark)
public class ApprovalBenchmark {

  @Param({"h2", "postgres"})
  public String db = "h2";

  private @Nullable RapportApprovals rapport;
  private @Nullable FlowableApprovals flowable;
  private @Nullable ApprovalFloor floor;
  private long flowableRequests;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws Exception {
    String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    if (method.startsWith("rapport")) {
      rapport = new RapportApprovals(AuditDb.fresh(db, "approvals"));
    } else if (method.startsWith("floor")) {
      floor = new ApprovalFloor(AuditDb.fresh(db, "approval_floor"));
    } else if (method.startsWith("flowable")) {
      flowable = new FlowableApprovals(AuditDb.freshAsDefaultSchema(db, "flowable", 2));
      System.out.printf(Locale.ROOT, "%n[%s] %s%n", db, flowable.describe());
    } else {
      throw new IllegalStateException("no set-up for " + method);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      check();
    } finally {
      try {
        if (rapport != null) {
          rapport.close();
        }
      } finally {
        if (flowable != null) {
          flowable.close();
        }
        if (floor != null) {
          floor.close();
        }
        rapport = null;
        flowable = null;
        floor = null;
      }
    }
  }

  /** Prints what the side did and fails the run when a process it started is not finished. */
  private void check() throws java.sql.SQLException {
    if (floor != null) {
      System.out.printf(Locale.ROOT, "%n[%s] floor: %,d requests asked for, %,d approved%n", db, floor.asked(),
          floor.approved());
      RapportApprovals.require(floor.approved() == floor.asked(), "every floor request approved");
    }
    if (rapport != null) {
      long approved = rapport.requests(RequestState.APPROVED);
      long pending = rapport.requests(RequestState.PENDING);
      System.out.printf(Locale.ROOT, "%n[%s] Rapport: %,d requests asked for, %,d approved, %,d pending%n", db,
          rapport.asked(), approved, pending);
      RapportApprovals.require(approved == rapport.asked() && pending == 0, "every request approved and run");
    }
    if (flowable != null) {
      long[] c = flowable.counts();
      System.out.printf(Locale.ROOT, "%n[%s] Flowable: %,d processes started, %,d finished, %,d running, %,d changes"
          + " applied%n", db, c[0], c[1], c[2], c[3]);
      RapportApprovals.require(c[1] == c[0] && c[2] == 0 && c[3] == c[0], "every process finished");
    }
  }

  // ---- throughput: one whole process per operation --------------------------------------------------------------

  @Benchmark
  public ApprovalRequest rapportProcess() {
    return rapport().process();
  }

  /** The hand-written floor ({@link ApprovalFloor}): what no library doing the same durable work can beat. */
  @Benchmark
  public String floorProcess() throws java.sql.SQLException {
    return floor().process();
  }

  @Benchmark
  public String flowableProcess() {
    FlowableApprovals f = flowable();
    long n = flowableRequests++;
    return f.process(businessKey(n), amount(n));
  }

  // ---- latency of each command, the rest of its process in fixtures ---------------------------------------------

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String rapportPark(RapportParked s) {
    return s.requestId = rapport().park();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public ApprovalRequest rapportApproveManager(RapportAtManager s) {
    return rapport().approveManager(s.requestId);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public ApprovalRequest rapportApproveFinance(RapportAtFinance s) {
    return rapport().approveFinance(s.requestId);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String flowableStart(FlowableStarted s) {
    long n = flowableRequests++;
    return s.processId = flowable().start(businessKey(n), amount(n));
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String flowableCompleteManager(FlowableAtManager s) {
    flowable().completeOpenTask(s.processId);
    return s.processId;
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String flowableCompleteFinance(FlowableAtFinance s) {
    flowable().completeOpenTask(s.processId);
    return s.processId;
  }

  /** The request made by the timed call, finished after it. */
  @State(Scope.Thread)
  public static class RapportParked {
    String requestId = "";

    @TearDown(Level.Invocation)
    public void finish(ApprovalBenchmark b) {
      b.rapport().approveManager(requestId);
      b.rapport().approveFinance(requestId);
    }
  }

  /** A request waiting for the manager; finance approves it after the timed call. */
  @State(Scope.Thread)
  public static class RapportAtManager {
    String requestId = "";

    @Setup(Level.Invocation)
    public void park(ApprovalBenchmark b) {
      requestId = b.rapport().park();
    }

    @TearDown(Level.Invocation)
    public void finish(ApprovalBenchmark b) {
      b.rapport().approveFinance(requestId);
    }
  }

  /** A request the manager approved, waiting for finance. */
  @State(Scope.Thread)
  public static class RapportAtFinance {
    String requestId = "";

    @Setup(Level.Invocation)
    public void parkAndApprove(ApprovalBenchmark b) {
      requestId = b.rapport().park();
      b.rapport().approveManager(requestId);
    }
  }

  /** The process started by the timed call, finished after it. */
  @State(Scope.Thread)
  public static class FlowableStarted {
    String processId = "";

    @TearDown(Level.Invocation)
    public void finish(ApprovalBenchmark b) {
      b.flowable().completeOpenTask(processId);
      b.flowable().completeOpenTask(processId);
    }
  }

  /** A process at the manager's task; finance's is completed after the timed call. */
  @State(Scope.Thread)
  public static class FlowableAtManager {
    String processId = "";

    @Setup(Level.Invocation)
    public void start(ApprovalBenchmark b) {
      long n = b.flowableRequests++;
      processId = b.flowable().start(businessKey(n), amount(n));
    }

    @TearDown(Level.Invocation)
    public void finish(ApprovalBenchmark b) {
      b.flowable().completeOpenTask(processId);
    }
  }

  /** A process whose manager's task is completed, at finance's. */
  @State(Scope.Thread)
  public static class FlowableAtFinance {
    String processId = "";

    @Setup(Level.Invocation)
    public void startAndComplete(ApprovalBenchmark b) {
      long n = b.flowableRequests++;
      processId = b.flowable().start(businessKey(n), amount(n));
      b.flowable().completeOpenTask(processId);
    }
  }

  /** The customers the Flowable side's processes go round, as Rapport's requests go round its customers. */
  private static String businessKey(long n) {
    return "customer-" + n % RapportApprovals.CUSTOMERS;
  }

  private static long amount(long n) {
    return 100_001 + n;
  }

  private RapportApprovals rapport() {
    RapportApprovals r = rapport;
    if (r == null) {
      throw new IllegalStateException("not set up");
    }
    return r;
  }

  private ApprovalFloor floor() {
    ApprovalFloor f = floor;
    if (f == null) {
      throw new IllegalStateException("not set up");
    }
    return f;
  }

  private FlowableApprovals flowable() {
    FlowableApprovals f = flowable;
    if (f == null) {
      throw new IllegalStateException("not set up");
    }
    return f;
  }
}
