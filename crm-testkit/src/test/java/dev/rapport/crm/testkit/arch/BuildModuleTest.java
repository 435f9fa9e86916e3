package dev.rapport.crm.testkit.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where a class file was read from decides its build module. */
class BuildModuleTest {
  private static final Path PROJECT = Path.of("/work/rapport").toAbsolutePath();

  private static BuildModule moduleOf(Path root) {
    return BuildModule.ofRoot(root.toAbsolutePath());
  }

  @Test
  void mainAndTestClassesOfAMavenModuleAreThatModule() {
    assertThat(moduleOf(PROJECT.resolve("crm-core/target/classes")))
        .isEqualTo(new BuildModule(PROJECT.resolve("crm-core"), "crm-core"));
    assertThat(moduleOf(PROJECT.resolve("crm-core/target/test-classes")))
        .isEqualTo(new BuildModule(PROJECT.resolve("crm-core"), "crm-core"));
  }

  @Test
  void aJarTheReactorBuiltIsItsModule() {
    assertThat(moduleOf(PROJECT.resolve("crm-core/target/crm-core-0.1.0-SNAPSHOT.jar")).root())
        .isEqualTo(PROJECT.resolve("crm-core"));
  }

  @Test
  void anArtifactAndItsTestJarInARepositoryAreOneModule() {
    Path version = Path.of("/home/u/.m2/repository/dev/rapport/crm-testkit/0.1.0").toAbsolutePath();
    BuildModule main = moduleOf(version.resolve("crm-testkit-0.1.0.jar"));
    BuildModule tests = moduleOf(version.resolve("crm-testkit-0.1.0-tests.jar"));

    assertThat(main).isEqualTo(tests);
    assertThat(main.name()).isEqualTo("crm-testkit:0.1.0");
  }

  @Test
  void jarsOfDifferentArtifactsInOneRepositoryAreDifferentModules() {
    Path group = Path.of("/home/u/.m2/repository/dev/rapport").toAbsolutePath();

    assertThat(moduleOf(group.resolve("crm-core/0.1.0/crm-core-0.1.0.jar")))
        .isNotEqualTo(moduleOf(group.resolve("crm-rbac/0.1.0/crm-rbac-0.1.0.jar")));
  }

  @Test
  void anyOtherRootIsAModuleOfItsOwn() {
    Path lib = Path.of("/opt/app/lib").toAbsolutePath();

    assertThat(moduleOf(lib.resolve("crm-core.jar"))).isNotEqualTo(moduleOf(lib.resolve("crm-rbac.jar")));
    assertThat(moduleOf(lib.resolve("crm-core.jar")).name()).isEqualTo("crm-core.jar");
  }

  @Test
  void theRootOfAClassFileIsFoundFromItsUri() {
    Path classes = PROJECT.resolve("crm-core/target/classes");
    URI file = classes.resolve("dev/rapport/crm/internal/command/CommandPipeline$Step.class").toUri();
    URI inJar = URI.create("jar:" + PROJECT.resolve("crm-core/target/crm-core.jar").toUri()
        + "!/dev/rapport/crm/Crm.class");

    assertThat(BuildModule.codeSourceRoot(file, "dev.rapport.crm.internal.command.CommandPipeline$Step"))
        .contains(classes);
    assertThat(BuildModule.codeSourceRoot(inJar, "dev.rapport.crm.Crm"))
        .contains(PROJECT.resolve("crm-core/target/crm-core.jar"));
    assertThat(BuildModule.codeSourceRoot(URI.create("jrt:/java.base/java/lang/String.class"), "java.lang.String"))
        .isEmpty();
  }
}
