package dev.rapport.crm.testkit.arch;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.Source;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The build module a class was loaded from, found from where ArchUnit read its class file (its code source), not
 * from its package name: a package says nothing about which jar a class ships in, and every Rapport module shares
 * the {@code dev.rapport.crm} prefix.
 *
 * <p>The code source root is the classes directory or the jar the class file sits in. Roots of one Maven module
 * are one module: {@code <module>/target/classes}, {@code <module>/target/test-classes} and any jar in
 * {@code <module>/target} (what the reactor puts on the class path after {@code package}) all map to
 * {@code <module>}; a jar in a Maven repository maps to its {@code <artifactId>/<version>} directory, so an artifact
 * and its {@code -tests} jar are one module. Any other root is a module of its own.
 *
 * @param root the directory that identifies the module
 * @param name a short name for reports ({@code crm-core}, {@code crm-core:0.1.0})
 */
record BuildModule(Path root, String name) {

  /** The module {@code c} was loaded from; empty if ArchUnit does not know where its class file came from. */
  static Optional<BuildModule> of(JavaClass c) {
    JavaClass base = c.getBaseComponentType();
    return base.getSource().map(Source::getUri).flatMap(uri -> codeSourceRoot(uri, base.getName()))
        .map(BuildModule::ofRoot);
  }

  /**
   * The classes directory or jar holding the class file at {@code classFile}: for a {@code jar:} URI the jar, for a
   * {@code file:} URI the directory the class's package path hangs from.
   */
  static Optional<Path> codeSourceRoot(URI classFile, String className) {
    try {
      if ("jar".equals(classFile.getScheme())) {
        String spec = classFile.getRawSchemeSpecificPart();
        int bang = spec.indexOf("!/");
        return Optional.of(Path.of(URI.create(bang < 0 ? spec : spec.substring(0, bang))).normalize());
      }
      if ("file".equals(classFile.getScheme())) {
        Path root = Path.of(classFile).normalize();
        // one step for the class file itself, one per package segment
        int depth = className.split("\\.").length;
        for (int i = 0; i < depth && root != null; i++) {
          root = root.getParent();
        }
        return Optional.ofNullable(root);
      }
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      // a URI no file system here can read (jrt:, nested jars, ...): not a module we can place
    }
    return Optional.empty();
  }

  /** The module a code source root belongs to (see the class comment). */
  static BuildModule ofRoot(Path root) {
    Path parent = root.getParent();
    Path grandparent = parent == null ? null : parent.getParent();
    if (grandparent != null && nameOf(parent).equals("target")) {
      return new BuildModule(grandparent, nameOf(grandparent));
    }
    // <repository>/<group path>/<artifactId>/<version>/<artifactId>-<version>[-<classifier>].jar
    if (grandparent != null && nameOf(root).endsWith(".jar")
        && nameOf(root).startsWith(nameOf(grandparent) + "-" + nameOf(parent))) {
      return new BuildModule(parent, nameOf(grandparent) + ":" + nameOf(parent));
    }
    return new BuildModule(root, nameOf(root));
  }

  private static String nameOf(Path p) {
    return p.getFileName() == null ? p.toString() : p.getFileName().toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
