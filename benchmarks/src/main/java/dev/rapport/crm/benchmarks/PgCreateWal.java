package dev.rapport.crm.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;

/**
 * The write-ahead log each side of {@link PgCreateCustomerBenchmark} makes PostgreSQL write per create: a figure the
 * machine's load does not move, unlike throughput. WAL volume is what the server must generate and flush at commit,
 * so it tracks the server's share of a create. The LSN is cluster-wide: run it while nothing else writes to the
 * server.
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
    } finally {
      b.tearDown();
    }
  }

  private static void measure(PgCreateCustomerBenchmark b, String name, int n, Op op) throws Exception {
    for (int i = 0; i < 200; i++) {
      op.run(); // first rows of each table, prepared statements
    }
    long before = lsn(b);
    for (int i = 0; i < n; i++) {
      op.run();
    }
    long bytes = lsn(b) - before;
    System.out.printf(Locale.ROOT, "%-28s %,8d bytes of WAL per create (%,d creates)%n", name, bytes / n, n);
  }

  private static long lsn(PgCreateCustomerBenchmark b) throws Exception {
    try (Connection c = b.pool().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
