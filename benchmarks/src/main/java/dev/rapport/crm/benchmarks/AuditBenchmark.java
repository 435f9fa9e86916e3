package dev.rapport.crm.benchmarks;

import dev.rapport.crm.audit.AuditTrail;
import dev.rapport.crm.audit.Verification;
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
 * An audited update of three fields ({@code grade}, {@code team}, {@code department}) of a full customer
 * ({@link AuditedCustomer}), on H2 in memory or PostgreSQL, each side in a database or schema of its own made for the
 * run:
 *
 * <ul>
 *   <li>{@link #rapportAuditedUpdate}: {@code crm.customers().update} with {@link AuditTrail} as the recorder (the
 *       record, with the field diff and its content hash, written in the update's commit; sealing is the host's
 *       scheduled job and not part of it: the tear-down seals and verifies the run's records and prints the time);
 *   <li>{@link #rapportUnauditedUpdate}: the same with {@code AuditRecorder.none()} (what the audit adds);
 *   <li>{@link #javersCommit}: the anchor, JaVers 7.8 committing the same change of a plain Java mirror of the
 *       customer to its SQL repository in a transaction of its own, and {@link #javersCommitWithUpdate}: the same
 *       plus the customer's JSON row updated in that transaction (the domain write Rapport's figure includes);
 *   <li>{@link #floorUpdateAuditOutbox}: hand-written JDBC, one transaction: the JSON row updated, one audit row with
 *       a SHA-256 content hash, one outbox row ({@link AuditFloor}).
 * </ul>
 *
 * Only the side the running method needs is set up. The tear-down checks the side did its work (records, snapshots,
 * rows counted against the invocations) and drops what it made.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar AuditBenchmark -p db=postgres</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
// JaVers logs every commit at INFO (and polyjdbc its DDL): kept out of the measured loop's console
@Fork(value = 1, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.log.org.javers=warn",
    "-Dorg.slf4j.simpleLogger.log.org.polyjdbc=warn"})
@State(Scope.Benchmark)
public class AuditBenchmark {

  @Param({"h2", "postgres"})
  public String db = "h2";

  private @Nullable RapportSide rapport;
  private @Nullable JaversSide javers;
  private @Nullable AuditFloor floor;
  private @Nullable AuditDb rapportDb;
  private long n;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws Exception {
    String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    n = 0;
    switch (method) {
      case "rapportAuditedUpdate", "rapportUnauditedUpdate" -> {
        boolean audited = method.equals("rapportAuditedUpdate");
        rapportDb = AuditDb.fresh(db, audited ? "audited" : "unaudited");
        rapport = new RapportSide(rapportDb.store(), audited);
      }
      case "javersCommit", "javersCommitWithUpdate" ->
          javers = new JaversSide(AuditDb.fresh(db, "javers"), RapportSide.createdBody());
      case "floorUpdateAuditOutbox" -> floor = new AuditFloor(AuditDb.fresh(db, "floor"), RapportSide.createdBody());
      default -> throw new IllegalStateException("no set-up for " + method);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      check();
    } finally {
      if (rapportDb != null) {
        rapportDb.close();
      }
      if (javers != null) {
        javers.close();
      }
      if (floor != null) {
        floor.close();
      }
      rapport = null;
      javers = null;
      floor = null;
      rapportDb = null;
    }
  }

  /** Prints what the side wrote and fails the run when it is not what the invocations asked for. */
  private void check() throws Exception {
    if (rapport != null) {
      if (rapport.version() != 1 + n) {
        throw new IllegalStateException("customer at version " + rapport.version() + " after " + n + " updates");
      }
      if (rapport.audit != null) {
        AuditTrail audit = rapport.audit;
        long start = System.nanoTime();
        AuditTrail.Seal seal = audit.seal(RapportSide.ACTOR.tenant());
        long sealed = System.nanoTime() - start;
        start = System.nanoTime();
        Verification v = audit.verify(RapportSide.ACTOR.tenant());
        long verified = System.nanoTime() - start;
        System.out.printf(Locale.ROOT, "%n[%s] %,d updates, %,d audit records (the creation's included); sealed in %,d"
            + " blocks in %,d ms (%.1f µs/record), verified in %,d ms: %s%n", db, n, v.records(), seal.blocks(),
            sealed / 1_000_000, sealed / 1e3 / Math.max(1, seal.records()), verified / 1_000_000,
            v.intact() ? "intact" : v.problem());
        if (!v.intact() || v.records() != 1 + n || v.sealed() != 1 + n) {
          throw new IllegalStateException("the audit trail is not the run's: " + v);
        }
      } else {
        System.out.printf(Locale.ROOT, "%n[%s] %,d updates, customer at version %,d%n", db, n, rapport.version());
      }
    }
    if (javers != null) {
      long[] rows = javers.commitsAndSnapshots();
      System.out.printf(Locale.ROOT, "%n[%s] %,d JaVers commits after the initial one: %,d commits, %,d snapshots in"
          + " the repository%n", db, n, rows[0], rows[1]);
      if (rows[0] != 1 + n) {
        throw new IllegalStateException("JaVers holds " + rows[0] + " commits after " + n + " updates");
      }
    }
    if (floor != null) {
      long rows = floor.auditRows();
      System.out.printf(Locale.ROOT, "%n[%s] %,d floor updates, %,d audit rows%n", db, n, rows);
      if (rows != n) {
        throw new IllegalStateException("the floor holds " + rows + " audit rows after " + n + " updates");
      }
    }
  }

  @Benchmark
  public Object rapportAuditedUpdate() {
    return side().update(n++);
  }

  @Benchmark
  public Object rapportUnauditedUpdate() {
    return side().update(n++);
  }

  @Benchmark
  public Object javersCommit() throws Exception {
    return jv().commit(n++);
  }

  @Benchmark
  public Object javersCommitWithUpdate() throws Exception {
    return jv().commitWithUpdate(n++);
  }

  @Benchmark
  public long floorUpdateAuditOutbox() throws Exception {
    AuditFloor f = floor;
    if (f == null) {
      throw new IllegalStateException("not set up");
    }
    return f.update(n++);
  }

  private RapportSide side() {
    RapportSide r = rapport;
    if (r == null) {
      throw new IllegalStateException("not set up");
    }
    return r;
  }

  private JaversSide jv() {
    JaversSide j = javers;
    if (j == null) {
      throw new IllegalStateException("not set up");
    }
    return j;
  }
}
