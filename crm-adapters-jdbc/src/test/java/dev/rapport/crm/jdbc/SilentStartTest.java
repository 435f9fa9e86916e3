package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A clean start is silent: building a store and a {@code Crm}, on an empty schema and again on the migrated one, and
 * running a first command print nothing on stdout or stderr. The test classpath logs through slf4j-simple at its
 * default level, INFO, to stderr, so any line there is a log line at INFO or above (or a banner). It runs in a JVM of
 * its own ({@link SilentStartMain}): once-per-JVM output such as a library's version banner would otherwise have been
 * printed already by an earlier test.
 */
class SilentStartTest {

  @ParameterizedTest
  @EnumSource(value = TestDatabases.Kind.class, names = {"H2_FILE", "POSTGRESQL", "MARIADB", "MYSQL"})
  void aCleanStartAndAFirstCommandPrintNothing(TestDatabases.Kind kind) throws Exception {
    TestDatabases.Fresh where = TestDatabases.fresh(kind);
    List<String> output = runJava(SilentStartMain.class, where.database().name(), url(where.dataSource()),
        where.schema() == null ? "-" : where.schema());
    assertThat(output).as("stdout and stderr of a first start, a restart and a first command").isEmpty();
  }

  static String url(DataSource ds) {
    if (ds instanceof JdbcDataSource h2) {
      return h2.getURL();
    }
    if (ds instanceof PGSimpleDataSource pg) {
      // the embedded server's data source carries its user apart from the URL
      String url = pg.getUrl();
      return pg.getUser() == null || url.contains("user=") ? url
          : url + (url.contains("?") ? "&" : "?") + "user=" + pg.getUser();
    }
    if (ds instanceof MariaDbDataSource maria) {
      return maria.getUrl();
    }
    throw new IllegalArgumentException("no URL for " + ds);
  }

  /** This JVM's classpath, plus its module path when Surefire put the modules there: the child runs all on one. */
  private static String classpath() {
    String modules = System.getProperty("jdk.module.path", "");
    String cp = System.getProperty("java.class.path");
    return modules.isEmpty() ? cp : modules + java.io.File.pathSeparator + cp;
  }

  /** Runs {@code main} in a new JVM on this test classpath; its output lines, after it exits with 0. */
  static List<String> runJava(Class<?> main, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath(), main.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try (var in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
    }
    assertThat(p.exitValue()).as("exit code of %s; its output:%n%s", main.getSimpleName(), out).isZero();
    return out.lines().toList();
  }
}
