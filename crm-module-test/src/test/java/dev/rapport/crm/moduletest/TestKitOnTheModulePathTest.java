package dev.rapport.crm.moduletest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dev.rapport.crm.testkit on the module path, used as an adapter's test module would use it: the module under
 * {@code src/test/probe} subclasses the kernel TCK, is compiled by javac against the modules, and runs in a JVM of
 * its own through JUnit's launcher with only {@code --module-path} and {@code --module}. JUnit reaches the
 * contracts' package-private test methods and nested classes through the kit's own qualified opens.
 */
class TestKitOnTheModulePathTest {

  /**
   * This module's test modules (Surefire's module path plus the jars of the class path), less mongo-java-server
   * and its Netty: they split packages across jars, so they cannot be modules at all (here they serve only
   * ConsumerTest, from the class path).
   */
  private static String modulePath(Path extra) {
    Stream<String> classPathJars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.endsWith(".jar"))
        .filter(p -> {
          String name = Path.of(p).getFileName().toString();
          return !name.startsWith("mongo-java-server") && !name.startsWith("netty-");
        });
    return Stream.concat(Stream.of(extra.toString(), System.getProperty("jdk.module.path")), classPathJars)
        .collect(Collectors.joining(File.pathSeparator));
  }

  @Test
  void theKernelTckRunsOnTheModulePath(@TempDir Path dir) throws IOException, InterruptedException {
    Path classes = dir.resolve("classes");
    Path src = Path.of("src/test/probe/dev.rapport.crm.tckprobe");
    List<String> sources;
    try (Stream<Path> files = Files.walk(src)) {
      sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).sorted().toList();
    }
    List<String> javacArgs = new ArrayList<>(List.of("--module-path", modulePath(classes), "-d", classes.toString(),
        "-Xlint:-requires-automatic,-requires-transitive-automatic"));
    javacArgs.addAll(sources);
    ByteArrayOutputStream javacOut = new ByteArrayOutputStream();
    int compiled;
    try (PrintStream ps = new PrintStream(javacOut, true, StandardCharsets.UTF_8)) {
      compiled = ToolProvider.findFirst("javac").orElseThrow().run(ps, ps, javacArgs.toArray(String[]::new));
    }
    assertThat(compiled).as(javacOut.toString(StandardCharsets.UTF_8)).isZero();

    Path report = dir.resolve("report.properties");
    Path output = dir.resolve("output.txt");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", modulePath(classes),
        "--module", "dev.rapport.crm.tckprobe/dev.rapport.crm.tckprobe.Run",
        report.toString())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    assertThat(p.exitValue()).as("exit value; output:\n" + Files.readString(output)).isZero();
    String text = Files.readString(report);
    Map<String, String> r = text.lines().filter(l -> l.contains("="))
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1),
            (a, b) -> a));
    assertThat(r).as(text).containsEntry("module", "dev.rapport.crm.tckprobe")
        .containsEntry("testkit", "dev.rapport.crm.testkit")
        .containsEntry("failed", "0");
    assertThat(Long.parseLong(r.get("succeeded"))).as(text).isGreaterThan(50);
  }
}
