package dev.rapport.crm.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;

/**
 * The write-ahead log each side of {@link PgCreateCustomerBenchmark} makes PostgreSQL write per create: a figure the
 * machine's load does not move, unlike throughput. WAL volume is what the server must generate and flush at commit,
 * so it tracks the server's share of a create. The LSN is cluster-wide: run it while nothing else writes to the
 * server. Where the extension {@code pg_walinspect} is installed in the benchmark's database (PostgreSQL 15+,
 * {@code CREATE EXTENSION pg_walinspect}), it also prints each side's WAL by record type (heap inserts, B-tree
 * leaf inserts, commits, ...) per create.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.rapport.crm.benchmarks.PgCreateWal [creates per side]</pre>
 */
public final class PgCreateWal {
  private PgCreateWal() {}

  @FunctionalInterface
  interface Op {
    Object run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    PgCreateCustomerBenchmark b = new PgCreateCustomerBenchmark();
    b.setUp();
    try {
      measure(b, "rapportCreateCustomer", n, b::rapportCreateCustomer);
      measure(b, "floorIndexedRowsPlusOutbox", n, b::floorIndexedRowsPlusOutbox);
      measure(b, "floorJdbcRowPlusOutbox", n, b::floorJdbcRowPlusOutbox);
      rowsPerTable(b, 3 * (n + Math.max(200, n)));
    } finally {
      b.tearDown();
    }
  }

  private static void measure(PgCreateCustomerBenchmark b, String name, int n, Op op) throws Exception {
    for (int i = 0; i < Math.max(200, n); i++) {
      op.run(); // first rows of each table, prepared statements, and the JIT's compilations out of the CPU figures
    }
    String start = text(b, "SELECT pg_current_wal_lsn()::text");
    long before = lsn(b);
    long clientCpu = processCpuNanos();
    long serverTicks = postgresTicks();
    long wall = System.nanoTime();
    for (int i = 0; i < n; i++) {
      op.run();
    }
    wall = System.nanoTime() - wall;
    serverTicks = postgresTicks() - serverTicks;
    clientCpu = processCpuNanos() - clientCpu;
    long bytes = lsn(b) - before;
    String end = text(b, "SELECT pg_current_wal_lsn()::text");
    System.out.printf(Locale.ROOT, "%-28s %,8d bytes of WAL per create (%,d creates)%n", name, bytes / n, n);
    // CPU per create: this JVM (all its threads) and, where the server runs on this machine, every postgres process
    // (the whole server, so run it while nothing else uses the server)
    System.out.printf(Locale.ROOT, "    wall %,6.0f µs, client CPU %,6.0f µs, server CPU %s per create%n",
        wall / 1e3 / n, clientCpu / 1e3 / n,
        serverTicks < 0 ? "unknown" : String.format(Locale.ROOT, "%,6.0f µs", serverTicks * 1e6 / TICKS / n));
    if (text(b, "SELECT count(*)::text FROM pg_extension WHERE extname = 'pg_walinspect'").equals("1")) {
      try (Connection c = b.pool().getConnection(); PreparedStatement ps = c.prepareStatement(
          "SELECT \"resource_manager/record_type\", count, combined_size FROM pg_get_wal_stats(?::pg_lsn, ?::pg_lsn,"
              + " true) WHERE count > 0 ORDER BY combined_size DESC")) {
        ps.setString(1, start);
        ps.setString(2, end);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            System.out.printf(Locale.ROOT, "    %-28s %6.2f records %,8.0f bytes per create%n", rs.getString(1),
                rs.getLong(2) / (double) n, rs.getLong(3) / (double) n);
          }
        }
      }
    }
  }

  /**
   * The rows each table of the run's schema received, per create of the side that writes it (the floor's outbox
   * table takes both floors' rows), from the server's statistics: what each side writes, table by table.
   */
  private static void rowsPerTable(PgCreateCustomerBenchmark b, int creates) throws Exception {
    Thread.sleep(11_000); // backends flush their table statistics at most every 10 s while idle
    try (Connection c = b.pool().getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT relname, n_tup_ins FROM pg_stat_user_tables WHERE schemaname = ? AND n_tup_ins > 0 ORDER BY relname")) {
      ps.setString(1, b.schema());
      try (ResultSet rs = ps.executeQuery()) {
        System.out.println("rows inserted per table (every side ran " + creates / 3 + " creates):");
        while (rs.next()) {
          System.out.printf(Locale.ROOT, "    %-40s %,10d%n", rs.getString(1), rs.getLong(2));
        }
      }
    }
  }

  /** Clock ticks per second of /proc/[pid]/stat (USER_HZ, 100 on Linux). */
  private static final double TICKS = 100;

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** User + system clock ticks of every process named postgres on this machine; -1 where /proc cannot tell. */
  private static long postgresTicks() {
    long total = 0;
    File[] procs = new File("/proc").listFiles((dir, f) -> f.chars().allMatch(Character::isDigit));
    if (procs == null) {
      return -1;
    }
    for (File p : procs) {
      try {
        String stat = Files.readString(p.toPath().resolve("stat"));
        int close = stat.lastIndexOf(')');
        if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
          continue;
        }
        String[] f = stat.substring(close + 2).split(" ");
        total += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
      } catch (IOException | RuntimeException e) {
        // a process that ended meanwhile
      }
    }
    return total;
  }

  private static String text(PgCreateCustomerBenchmark b, String sql) throws Exception {
    try (Connection c = b.pool().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long lsn(PgCreateCustomerBenchmark b) throws Exception {
    try (Connection c = b.pool().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
