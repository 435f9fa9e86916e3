package dev.rapport.crm.testkit.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jspecify.annotations.NullMarked;

/**
 * Builds the classes an architecture rule is tested on: Java sources, compiled at test time into a Maven-like layout
 * under a temporary directory ({@code <root>/<module>/target/classes}, {@code .../test-classes}, or a jar in a
 * repository-like directory), then imported from there with ArchUnit.
 *
 * <p>Why compile at test time: the planted violations live in real Rapport packages ({@code dev.rapport.crm.rbac..},
 * {@code dev.rapport.crm.internal..}); compiled into {@code target/test-classes} they would be one class path entry
 * away from every {@code ArchitectureTest} (a test jar, an IDE that imports tests). Here they exist only in a
 * temporary directory, and each fixture module is a code source of its own, which the module-ownership rule needs.
 */
final class FixtureBuild {
  private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");
  private static final Pattern COMMENT = Pattern.compile("(?s)/\\*.*?\\*/|//[^\n]*");
  private static final Pattern TYPE = Pattern.compile("\\b(?:class|interface|enum|record)\\s+(\\w+)");

  private final Path root;
  private final List<Path> classPath = new ArrayList<>();
  private final List<Location> locations = new ArrayList<>();

  FixtureBuild(Path root) {
    this.root = root;
    classPath.add(codeSourceOf(NullMarked.class));
  }

  /** Compiles {@code sources} as the main classes of the Maven module {@code name}. */
  FixtureBuild module(String name, String... sources) {
    Path out = compile(root.resolve(name).resolve("target").resolve("classes"), sources);
    locations.add(Location.of(out.toUri()));
    return this;
  }

  /** Compiles {@code sources} as the module {@code name}, on the class path of later modules but not imported. */
  FixtureBuild notImported(String name, String... sources) {
    compile(root.resolve(name).resolve("target").resolve("classes"), sources);
    return this;
  }

  /** Compiles {@code sources} as the test classes of the Maven module {@code name}. */
  FixtureBuild testsOf(String name, String... sources) {
    Path out = compile(root.resolve(name).resolve("target").resolve("test-classes"), sources);
    locations.add(Location.of(out.toUri()));
    return this;
  }

  /**
   * Compiles {@code sources} and packs them as {@code <artifactId>-<version>.jar} in a Maven repository layout
   * ({@code <root>/repository/dev/rapport/<artifactId>/<version>/}).
   */
  FixtureBuild repositoryJar(String artifactId, String version, String... sources) {
    Path classes = compile(root.resolve("jar-build-" + artifactId), sources);
    Path jar = root.resolve("repository/dev/rapport").resolve(artifactId).resolve(version)
        .resolve(artifactId + "-" + version + ".jar");
    try {
      Files.createDirectories(jar.getParent());
      try (OutputStream file = Files.newOutputStream(jar);
          JarOutputStream out = new JarOutputStream(file);
          Stream<Path> files = Files.walk(classes)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    classPath.remove(classes);
    classPath.add(jar);
    locations.add(Location.of(URI.create("jar:" + jar.toUri() + "!/")));
    return this;
  }

  /** Every class built so far, imported in one go (so dependencies between modules are resolved). */
  JavaClasses importClasses() {
    return new ClassFileImporter().importLocations(locations);
  }

  /** A {@code package-info.java} that marks {@code packageName} {@code @NullMarked}. */
  static String nullMarked(String packageName) {
    return "@org.jspecify.annotations.NullMarked\npackage " + packageName + ";\n";
  }

  private Path compile(Path out, String... sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("the architecture rule tests compile their fixtures: run them on a JDK");
    }
    try {
      Path src = Files.createTempDirectory(root, "src");
      List<Path> files = new ArrayList<>();
      for (String source : sources) {
        String code = COMMENT.matcher(source).replaceAll(" ");
        Matcher pkg = PACKAGE.matcher(code);
        if (!pkg.find()) {
          throw new IllegalArgumentException("a fixture source needs a package: " + source);
        }
        // the file is named after the first type declared; a source without one is a package-info
        Matcher type = TYPE.matcher(code);
        String fileName = (type.find() ? type.group(1) : "package-info") + ".java";
        Path file = src.resolve(pkg.group(1).replace('.', '/')).resolve(fileName);
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        files.add(file);
      }
      Files.createDirectories(out);
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
        List<String> options = List.of("--release", "17", "-proc:none", "-d", out.toString(),
            "-classpath", String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()));
        boolean ok = javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
        if (!ok) {
          StringBuilder report = new StringBuilder("fixture does not compile:");
          for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            report.append('\n').append(d);
          }
          throw new IllegalStateException(report.toString());
        }
      }
      classPath.add(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path codeSourceOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
