package dev.rapport.crm.moduletest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer as an application is really run: a JVM of its own started with only {@code --module-path} and
 * {@code --module} (no {@code --add-opens}, {@code --add-reads} or patched module, as Surefire adds for the tests in
 * this JVM), and javac compiling a consumer module against the modules.
 *
 * <p>The module path is the one Surefire computed from this module's descriptor ({@code jdk.module.path}): the
 * consumer's classes, Rapport's jars and the modules they require.
 */
class ModulePathLaunchTest {

  private static String modulePath() {
    String path = System.getProperty("jdk.module.path");
    assertThat(path).as("tests run on the module path").isNotBlank();
    return path;
  }

  @Test
  void theConsumerRunsInAJvmOfItsOwnWithNothingButTheModulePath(@TempDir Path dir)
      throws IOException, InterruptedException {
    Path report = dir.resolve("report.properties");
    Path output = dir.resolve("output.txt");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", modulePath(),
        "--module", "dev.rapport.crm.moduletest/dev.rapport.crm.moduletest.Consumer",
        report.toString())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    String out = Files.readString(output);
    assertThat(p.exitValue()).as("exit value; output:\n" + out).isZero();
    assertThat(Files.readAllLines(report)).containsExactly(
        "consumer.module=dev.rapport.crm.moduletest",
        "core.module=dev.rapport.crm.core",
        "jdbc.module=dev.rapport.crm.jdbc",
        "customer.name=Huaxin Trading",
        "customer.phone=+862161234567",
        "customer.creditLimit=250000.00 CNY",
        "invalid.emails[0]=true",
        "internal.call=java.lang.IllegalAccessException");
  }

  @Test
  void aConsumerModuleCompilesAgainstTheApi(@TempDir Path dir) throws IOException {
    Compiled c = compile(dir, "import dev.rapport.crm.Crm; import dev.rapport.crm.jdbc.JdbcStore;"
        + " import dev.rapport.crm.mongo.MongoStore;"
        + " class Probe { Class<?>[] types = {Crm.class, JdbcStore.class, MongoStore.class}; }",
        "requires dev.rapport.crm.core; requires dev.rapport.crm.jdbc; requires dev.rapport.crm.mongo;");
    assertThat(c.exitCode()).as(c.output()).isZero();
  }

  @Test
  void aConsumerModuleDoesNotCompileAgainstAnInternalPackage(@TempDir Path dir) throws IOException {
    Compiled c = compile(dir, "import dev.rapport.crm.internal.Json; class Probe { Object o = Json.object(); }",
        "requires dev.rapport.crm.core;");
    assertThat(c.exitCode()).isNotZero();
    assertThat(c.output()).contains("package dev.rapport.crm.internal is not visible")
        .contains("declared in module dev.rapport.crm.core, which does not export it");
  }

  private record Compiled(int exitCode, String output) {}

  private static Compiled compile(Path dir, String probeSource, String requires) throws IOException {
    Path src = dir.resolve("src/dev.rapport.crm.probe");
    Files.createDirectories(src.resolve("probe"));
    Files.writeString(src.resolve("module-info.java"), "module dev.rapport.crm.probe { " + requires + " }");
    Files.writeString(src.resolve("probe/Probe.java"), "package probe; " + probeSource);
    // javac from the running JDK; java.util.spi.ToolProvider needs no read edge to the compiler's module
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac in this JDK"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> args = new ArrayList<>(List.of("--module-path", modulePath(), "-d", dir.resolve("out").toString(),
        "-Xlint:-requires-automatic,-requires-transitive-automatic"));
    args.add(src.resolve("module-info.java").toString());
    args.add(src.resolve("probe/Probe.java").toString());
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      int code = javac.run(ps, ps, args.toArray(String[]::new));
      return new Compiled(code, out.toString(StandardCharsets.UTF_8));
    }
  }
}
