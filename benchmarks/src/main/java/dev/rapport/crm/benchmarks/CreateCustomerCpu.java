package dev.rapport.crm.benchmarks;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time and allocation of the creating thread per create-customer command, the same work as
 * {@link CreateCustomerBenchmark}, over rounds of 5,000 commands (a noisy shared machine makes wall-clock figures
 * unreliable; the thread's own CPU time is not stretched by other processes). Prints each round and the medians, for
 * Rapport and for the floor, and for Rapport also the CPU time of the whole JVM over the same commands (garbage
 * collection and any other thread included), since allocation is paid on the collector's threads.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.rapport.crm.benchmarks.CreateCustomerCpu [rounds] [warm-up rounds]
 * </pre>
 */
public final class CreateCustomerCpu {
  private static final int PER_ROUND = 5_000;

  private CreateCustomerCpu() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    var process = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long self = Thread.currentThread().getId();
    CreateInputs inputs = new CreateInputs();
    Actor actor = Actor.of("bench", "bench-user");
    double[] cpu = new double[rounds];
    double[] alloc = new double[rounds];
    double[] processCpu = new double[rounds];
    double[] floorCpu = new double[rounds];
    double[] floorAlloc = new double[rounds];
    Object sink = null;
    for (int r = -warmUp; r < rounds; r++) {
      // a fresh store every round, as JMH's per-iteration set-up keeps its size bounded
      Crm crm = Crm.builder().store(InMemoryStore.create()).accessPolicy(AccessPolicy.allowAll())
          .audit(AuditRecorder.none()).build();
      long p0 = process.getProcessCpuTime();
      long c0 = threads.getCurrentThreadCpuTime();
      long a0 = threads.getThreadAllocatedBytes(self);
      for (int i = 0; i < PER_ROUND; i++) {
        sink = crm.customers().create(actor, inputs.next());
      }
      long c1 = threads.getCurrentThreadCpuTime();
      long a1 = threads.getThreadAllocatedBytes(self);
      long p1 = process.getProcessCpuTime();
      ConcurrentHashMap<String, byte[]> floor = new ConcurrentHashMap<>();
      for (int i = 0; i < PER_ROUND; i++) {
        var d = inputs.next();
        byte[] json = inputs.jsonBytes(d);
        floor.put(UUID.randomUUID().toString(), json);
        sink = json;
      }
      long c2 = threads.getCurrentThreadCpuTime();
      long a2 = threads.getThreadAllocatedBytes(self);
      if (r >= 0) {
        cpu[r] = (c1 - c0) / 1e3 / PER_ROUND;
        alloc[r] = (a1 - a0) / 1024.0 / PER_ROUND;
        processCpu[r] = (p1 - p0) / 1e3 / PER_ROUND;
        floorCpu[r] = (c2 - c1) / 1e3 / PER_ROUND;
        floorAlloc[r] = (a2 - a1) / 1024.0 / PER_ROUND;
        System.out.printf("round %2d: rapport %7.2f us CPU %7.2f KiB (process %7.2f us) | floor %6.2f us CPU %6.2f "
            + "KiB%n", r, cpu[r], alloc[r], processCpu[r], floorCpu[r], floorAlloc[r]);
      }
    }
    System.out.printf("median of %d rounds of %d: rapport %.2f us CPU, %.2f KiB per command (whole process, GC and"
        + " JIT included: %.2f us); floor %.2f us CPU, %.2f KiB; min rapport %.2f us%n", rounds, PER_ROUND,
        median(cpu), median(alloc), median(processCpu), median(floorCpu), median(floorAlloc),
        Arrays.stream(cpu).min().orElse(0));
    if (sink == null) {
      System.out.println();
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
