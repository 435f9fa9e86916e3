package dev.rapport.crm.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.audit.AuditTrail;
import dev.rapport.crm.audit.Verification;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Verifying the audit trail, in records per second: {@link #verify} runs {@code audit.verify(tenant)} over
 * {@value #RECORDS} sealed records (the creation of the {@link AuditedCustomer} and its three-field updates), against
 * {@link #sha256SameBytes}, plain SHA-256 ({@link MessageDigest}) over the same records' payloads as Jackson
 * serialises them (precomputed), one digest per record: the cost of hashing the bytes, without reading, canonical
 * form or chain; and {@link #readAndSha256}, the same records read from the store and their texts hashed. The store is
 * the in-memory kernel, so the figure is verify's CPU (reading, a SHA-256 of each record's text, the chain's block
 * digests and checks), not a database's reads.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar AuditVerifyBenchmark</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class AuditVerifyBenchmark {
  static final int RECORDS = 10_000;

  private AuditTrail audit = AuditTrail.hashChained();
  private List<byte[]> payloads = List.of();
  private MessageDigest sha256 = sha256();
  private @org.jspecify.annotations.Nullable Store store;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RapportSide rapport = new RapportSide(InMemoryStore.create(), true);
    for (int i = 0; i < RECORDS - 1; i++) {
      rapport.update(i);
    }
    audit = rapport.audit();
    AuditTrail.Seal seal = audit.seal(RapportSide.ACTOR.tenant());
    Verification v = audit.verify(RapportSide.ACTOR.tenant());
    if (!v.intact() || v.records() != RECORDS || seal.records() != RECORDS) {
      throw new IllegalStateException("expected " + RECORDS + " sealed, intact records: " + seal + ", " + v);
    }
    store = rapport.store;
    ObjectMapper json = new ObjectMapper();
    List<byte[]> bytes = new ArrayList<>(RECORDS);
    for (long after = 0; ; ) {
      // the records as the store holds them: the bytes verify() hashes
      List<StreamRecord> page = rapport.store.read(RapportSide.ACTOR.tenant(), AuditTrail.STREAM, after, 1000);
      if (page.isEmpty()) {
        break;
      }
      for (StreamRecord r : page) {
        bytes.add(json.writeValueAsBytes(r.payload()));
      }
      after = page.get(page.size() - 1).position();
    }
    if (bytes.size() != RECORDS) {
      throw new IllegalStateException("read " + bytes.size() + " records");
    }
    payloads = List.copyOf(bytes);
    sha256 = sha256();
    System.out.printf("%n%,d records, %,d blocks, verify: %s; %,d payload bytes in all%n", v.records(), v.blocks(),
        v.intact() ? "intact" : v.problem(), payloads.stream().mapToLong(b -> b.length).sum());
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public Verification verify() {
    Verification v = audit.verify(RapportSide.ACTOR.tenant());
    if (!v.intact()) {
      throw new IllegalStateException(String.valueOf(v.problem()));
    }
    return v;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void sha256SameBytes(Blackhole bh) {
    for (byte[] p : payloads) {
      bh.consume(sha256.digest(p));
    }
  }

  /**
   * The least any check of these records does on this store: read them (the kernel's read, with its copy) and hash
   * each record's stored text as UTF-8, one digest per record; no block, no chain, no comparison. A second anchor:
   * {@link #verify} against reading and hashing, where {@link #sha256SameBytes} leaves the reading out.
   */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void readAndSha256(Blackhole bh) {
    Store s = java.util.Objects.requireNonNull(store, "not set up");
    for (long after = 0; ; ) {
      List<StreamRecord> page = s.read(RapportSide.ACTOR.tenant(), AuditTrail.STREAM, after, 500);
      for (StreamRecord r : page) {
        bh.consume(sha256.digest(r.payload().get("record").textValue().getBytes(StandardCharsets.UTF_8)));
      }
      if (page.size() < 500) {
        break;
      }
      after = page.get(page.size() - 1).position();
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
