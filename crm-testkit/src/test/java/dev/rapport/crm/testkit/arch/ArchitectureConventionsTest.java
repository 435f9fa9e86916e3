package dev.rapport.crm.testkit.arch;

import static dev.rapport.crm.testkit.arch.FixtureBuild.nullMarked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule fails on a planted violation, naming it, and passes on a clean miniature of Rapport's layout. The
 * fixtures are compiled at test time into their own Maven-like modules (see {@link FixtureBuild}), so no
 * {@code ArchitectureTest} can ever import them.
 */
class ArchitectureConventionsTest {

  // --- a clean miniature of the layout: core with a root class, a port and internals; two modules; an adapter with
  // --- its own internals; a sample program; core's own tests using core's internals

  private static final String PORT = """
      package dev.rapport.crm.fixture.port;

      public interface Port {
        String name();
      }
      """;

  private static final String ENGINE = """
      package dev.rapport.crm.internal.fixture;

      import dev.rapport.crm.fixture.port.Port;

      public final class Engine {
        public Port port() {
          return new Port() {
            @Override
            public String name() {
              return "core";
            }
          };
        }

        public int size() {
          return 1;
        }
      }
      """;

  private static final String FIXTURE_CRM = """
      package dev.rapport.crm;

      import dev.rapport.crm.fixture.port.Port;
      import dev.rapport.crm.internal.fixture.Engine;

      /** The root class: uses core's internals inside, exposes only the port. */
      public final class FixtureCrm {
        private final Engine engine = new Engine();

        public Port port() {
          return engine.port();
        }

        /** Package-private: may name an internal type. */
        Engine engine() {
          return engine;
        }
      }
      """;

  private static final String[] CORE = {
      nullMarked("dev.rapport.crm"), FIXTURE_CRM,
      nullMarked("dev.rapport.crm.fixture.port"), PORT,
      nullMarked("dev.rapport.crm.internal.fixture"), ENGINE};

  private static JavaClasses cleanLayout;

  @BeforeAll
  static void buildCleanLayout(@TempDir Path dir) {
    cleanLayout = new FixtureBuild(dir)
        .module("crm-core", CORE)
        .testsOf("crm-core", nullMarked("dev.rapport.crm"), """
            package dev.rapport.crm;

            import dev.rapport.crm.internal.fixture.Engine;

            /** Core's own test: the same Maven module, so it may use core's internals. */
            class FixtureCrmTest {
              int size() {
                return new Engine().size();
              }
            }
            """)
        .module("crm-rbac", nullMarked("dev.rapport.crm.rbac.fixture"), """
            package dev.rapport.crm.rbac.fixture;

            import dev.rapport.crm.fixture.port.Port;

            public final class RbacPort implements Port {
              @Override
              public String name() {
                return "rbac";
              }
            }
            """)
        .module("crm-audit", nullMarked("dev.rapport.crm.audit.fixture"), """
            package dev.rapport.crm.audit.fixture;

            import dev.rapport.crm.FixtureCrm;
            import dev.rapport.crm.fixture.port.Port;

            public final class AuditPort implements Port {
              private final Port inner = new FixtureCrm().port();

              @Override
              public String name() {
                return "audit of " + inner.name();
              }
            }
            """)
        .module("crm-adapters-jdbc",
            nullMarked("dev.rapport.crm.jdbc.fixture"), """
            package dev.rapport.crm.jdbc.fixture;

            import dev.rapport.crm.jdbc.fixture.internal.Rows;
            import java.sql.Connection;

            /** An adapter: may use JDBC and its own internals. */
            public final class SqlStore {
              private final Rows rows = new Rows();

              public int count(Connection connection) {
                return rows.count(connection);
              }
            }
            """,
            nullMarked("dev.rapport.crm.jdbc.fixture.internal"), """
            package dev.rapport.crm.jdbc.fixture.internal;

            import java.sql.Connection;

            public final class Rows {
              public int count(Connection connection) {
                return 0;
              }
            }
            """)
        .module("samples", nullMarked("dev.rapport.crm.samples.fixture"), """
            package dev.rapport.crm.samples.fixture;

            import dev.rapport.crm.FixtureCrm;

            /** A program: may print. */
            public final class Demo {
              public static void main(String[] args) {
                System.out.println(new FixtureCrm().port().name());
              }
            }
            """)
        .importClasses();
  }

  /** Every {@code @ArchTest} rule of the conventions, so that a new rule is held to the clean layout too. */
  static Stream<String> rules() {
    return Arrays.stream(ArchitectureConventions.class.getFields())
        .filter(f -> f.isAnnotationPresent(ArchTest.class))
        .map(Field::getName);
  }

  private static ArchRule rule(String name) throws ReflectiveOperationException {
    return (ArchRule) ArchitectureConventions.class.getField(name).get(null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void everyRulePassesOnTheCleanLayout(String name) throws ReflectiveOperationException {
    assertThat(cleanLayout.size()).isGreaterThan(10);
    assertThatCode(() -> rule(name).check(cleanLayout)).doesNotThrowAnyException();
  }

  /** The report of {@code rule} on {@code classes}, which must break it. */
  private static String violations(ArchRule rule, JavaClasses classes) {
    AssertionError error = catchThrowableOfType(AssertionError.class, () -> rule.check(classes));
    assertThat(error).as("%s should fail", rule.getDescription()).isNotNull();
    return error.getMessage();
  }

  @Nested
  class NoPackageCycles {
    @TempDir
    Path dir;

    @Test
    void aCycleBetweenTopLevelPackagesIsFound() {
      JavaClasses classes = new FixtureBuild(dir).module("crm-core",
          nullMarked("dev.rapport.crm.fixturea"), """
              package dev.rapport.crm.fixturea;

              public final class A {
                public dev.rapport.crm.fixtureb.B b() {
                  throw new UnsupportedOperationException();
                }
              }
              """,
          nullMarked("dev.rapport.crm.fixtureb"), """
              package dev.rapport.crm.fixtureb;

              public final class B {
                public dev.rapport.crm.fixturea.A a() {
                  throw new UnsupportedOperationException();
                }
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.NO_PACKAGE_CYCLES, classes);

      assertThat(report)
          .contains("Method <dev.rapport.crm.fixturea.A.b()> has return type <dev.rapport.crm.fixtureb.B>")
          .contains("Method <dev.rapport.crm.fixtureb.B.a()> has return type <dev.rapport.crm.fixturea.A>");
    }

    @Test
    void aCycleThroughTheRootPackageIsFound() {
      JavaClasses classes = new FixtureBuild(dir).module("crm-core",
          nullMarked("dev.rapport.crm"), """
              package dev.rapport.crm;

              public final class FixtureCrm {
                public dev.rapport.crm.fixture.port.Port port() {
                  throw new UnsupportedOperationException();
                }
              }
              """,
          nullMarked("dev.rapport.crm.fixture.port"), """
              package dev.rapport.crm.fixture.port;

              public interface Port {
                dev.rapport.crm.FixtureCrm owner();
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.NO_PACKAGE_CYCLES, classes);

      assertThat(report)
          .contains("Cycle detected: Slice dev.rapport.crm -> ")
          .contains("Method <dev.rapport.crm.FixtureCrm.port()> has return type <dev.rapport.crm.fixture.port.Port>")
          .contains("Method <dev.rapport.crm.fixture.port.Port.owner()> has return type <dev.rapport.crm.FixtureCrm>");
    }

    @Test
    void aCycleBetweenSubPackagesOfOneTopLevelPackageIsFound() {
      JavaClasses classes = new FixtureBuild(dir).module("crm-core",
          nullMarked("dev.rapport.crm.internal.fixturea"), """
              package dev.rapport.crm.internal.fixturea;

              public final class A {
                public dev.rapport.crm.internal.fixtureb.B b() {
                  throw new UnsupportedOperationException();
                }
              }
              """,
          nullMarked("dev.rapport.crm.internal.fixtureb"), """
              package dev.rapport.crm.internal.fixtureb;

              public final class B {
                public dev.rapport.crm.internal.fixturea.A a() {
                  throw new UnsupportedOperationException();
                }
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.NO_PACKAGE_CYCLES, classes);

      assertThat(report)
          .contains("Cycle detected: Slice dev.rapport.crm.internal.fixturea -> ")
          .contains("Slice dev.rapport.crm.internal.fixtureb -> ")
          .contains("Method <dev.rapport.crm.internal.fixturea.A.b()> has return type")
          .contains("Method <dev.rapport.crm.internal.fixtureb.B.a()> has return type");
    }
  }

  @Nested
  class DomainIsStorageNeutral {
    @TempDir
    Path dir;

    @Test
    void aModuleUsingJdbcOrCoreUsingAnAdapterIsFound() {
      JavaClasses classes = new FixtureBuild(dir)
          .module("crm-adapters-jdbc", nullMarked("dev.rapport.crm.jdbc.fixture"), """
              package dev.rapport.crm.jdbc.fixture;

              public final class SqlStore {}
              """)
          .module("crm-rbac", nullMarked("dev.rapport.crm.rbac.fixture"), """
              package dev.rapport.crm.rbac.fixture;

              public final class RolesFromSql {
                public int count(java.sql.Connection connection) {
                  return 0;
                }
              }
              """)
          .module("crm-core", nullMarked("dev.rapport.crm.fixture.port"), """
              package dev.rapport.crm.fixture.port;

              public final class Wiring {
                public Object store() {
                  return new dev.rapport.crm.jdbc.fixture.SqlStore();
                }
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.DOMAIN_IS_STORAGE_NEUTRAL, classes);

      assertThat(report)
          .contains("violated (2 times)")
          .contains("RolesFromSql.count(java.sql.Connection)> has parameter of type <java.sql.Connection>")
          .contains("Wiring.store()> calls constructor <dev.rapport.crm.jdbc.fixture.SqlStore.<init>()>");
    }
  }

  @Nested
  class InternalsStayInsideTheirModule {
    @TempDir
    Path dir;

    @Test
    void anotherModuleUsingCoresInternalsIsFound() {
      JavaClasses classes = new FixtureBuild(dir)
          .module("crm-core", CORE)
          .module("crm-rbac", nullMarked("dev.rapport.crm.rbac.fixture"), """
              package dev.rapport.crm.rbac.fixture;

              import dev.rapport.crm.internal.fixture.Engine;

              public final class Intruder {
                public int peek() {
                  return new Engine().size();
                }
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.INTERNALS_STAY_INSIDE_THEIR_MODULE, classes);

      assertThat(report).contains("Method <dev.rapport.crm.rbac.fixture.Intruder.peek()> calls method "
          + "<dev.rapport.crm.internal.fixture.Engine.size()> in (Intruder.java:7): crm-rbac uses an internal class "
          + "of crm-core");
    }

    /** The hole in a rule by package tree: {@code dev.rapport.crm.jdbc} is inside {@code dev.rapport.crm}. */
    @Test
    void anAdapterUsingCoresInternalsIsFound() {
      JavaClasses classes = new FixtureBuild(dir)
          .module("crm-core", CORE)
          .module("crm-adapters-jdbc", nullMarked("dev.rapport.crm.jdbc.fixture"), """
              package dev.rapport.crm.jdbc.fixture;

              public final class SqlStore {
                private final dev.rapport.crm.internal.fixture.Engine engine =
                    new dev.rapport.crm.internal.fixture.Engine();
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.INTERNALS_STAY_INSIDE_THEIR_MODULE, classes);

      assertThat(report).contains("Field <dev.rapport.crm.jdbc.fixture.SqlStore.engine> has type "
          + "<dev.rapport.crm.internal.fixture.Engine> in (SqlStore.java:0): crm-adapters-jdbc uses an internal class "
          + "of crm-core");
    }

    @Test
    void anAdapterUsingAnotherAdaptersInternalsIsFound() {
      JavaClasses classes = new FixtureBuild(dir)
          .module("crm-adapters-jdbc", nullMarked("dev.rapport.crm.jdbc.fixture.internal"), """
              package dev.rapport.crm.jdbc.fixture.internal;

              public final class Rows {
                public static int count() {
                  return 0;
                }
              }
              """)
          .module("crm-adapters-mongo", nullMarked("dev.rapport.crm.mongo.fixture"), """
              package dev.rapport.crm.mongo.fixture;

              public final class DocumentStore {
                public int count() {
                  return dev.rapport.crm.jdbc.fixture.internal.Rows.count();
                }
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.INTERNALS_STAY_INSIDE_THEIR_MODULE, classes);

      assertThat(report).contains("Method <dev.rapport.crm.mongo.fixture.DocumentStore.count()> calls method "
          + "<dev.rapport.crm.jdbc.fixture.internal.Rows.count()> in (DocumentStore.java:5): "
          + "crm-adapters-mongo uses an internal class of crm-adapters-jdbc");
    }

    @Test
    void coreFromARepositoryJarIsAModuleToo() {
      JavaClasses classes = new FixtureBuild(dir)
          .repositoryJar("crm-core", "0.1.0", CORE)
          .module("crm-rbac", nullMarked("dev.rapport.crm.rbac.fixture"), """
              package dev.rapport.crm.rbac.fixture;

              public final class Intruder {
                public int peek() {
                  return new dev.rapport.crm.internal.fixture.Engine().size();
                }
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.INTERNALS_STAY_INSIDE_THEIR_MODULE, classes);

      assertThat(report).contains("Intruder.peek()> calls method <dev.rapport.crm.internal.fixture.Engine.size()> "
          + "in (Intruder.java:5): crm-rbac uses an internal class of crm-core:0.1.0");
    }

    /** Rather than pass, the rule fails on an internal class it cannot place. */
    @Test
    void anInternalClassFromAnUnknownLocationIsReported() {
      JavaClasses classes = new FixtureBuild(dir)
          .notImported("crm-core", CORE)
          .module("crm-rbac", nullMarked("dev.rapport.crm.rbac.fixture"), """
              package dev.rapport.crm.rbac.fixture;

              public final class Intruder {
                public int peek() {
                  return new dev.rapport.crm.internal.fixture.Engine().size();
                }
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.INTERNALS_STAY_INSIDE_THEIR_MODULE, classes);

      assertThat(report).contains("Engine.size()> in (Intruder.java:5): cannot tell which build module "
          + "dev.rapport.crm.internal.fixture.Engine was loaded from");
    }

    @Test
    void aModulesMainAndTestClassesMayUseItsInternals() {
      JavaClasses classes = new FixtureBuild(dir)
          .module("crm-core", CORE)
          .testsOf("crm-core", nullMarked("dev.rapport.crm.internal.fixture"), """
              package dev.rapport.crm.internal.fixture;

              class EngineTest {
                int size() {
                  return new Engine().size();
                }
              }
              """).importClasses();

      assertThatCode(() -> ArchitectureConventions.INTERNALS_STAY_INSIDE_THEIR_MODULE.check(classes))
          .doesNotThrowAnyException();
    }
  }

  @Nested
  class ModulesMeetOnlyThroughCore {
    @TempDir
    Path dir;

    /** The rule goes by package, so one fixture module can hold all three (they need each other to compile). */
    @Test
    void everyDirectionBetweenRbacAuditAndWorkflowIsFound() {
      JavaClasses classes = new FixtureBuild(dir)
          .module("crm-testkit", nullMarked("dev.rapport.crm.testkit.fixture"), """
              package dev.rapport.crm.testkit.fixture;

              public final class Kit {}
              """)
          .module("crm-modules",
              nullMarked("dev.rapport.crm.rbac.fixture"), """
              package dev.rapport.crm.rbac.fixture;

              public final class Rbac {
                public dev.rapport.crm.audit.fixture.Audit audit;
                public dev.rapport.crm.workflow.fixture.Workflow workflow;
                public dev.rapport.crm.testkit.fixture.Kit kit;
              }
              """,
              nullMarked("dev.rapport.crm.audit.fixture"), """
              package dev.rapport.crm.audit.fixture;

              public final class Audit {
                public dev.rapport.crm.rbac.fixture.Rbac rbac;
                public dev.rapport.crm.workflow.fixture.Workflow workflow;
              }
              """,
              nullMarked("dev.rapport.crm.workflow.fixture"), """
              package dev.rapport.crm.workflow.fixture;

              public final class Workflow {
                public dev.rapport.crm.rbac.fixture.Rbac rbac;
                public dev.rapport.crm.audit.fixture.Audit audit;
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.MODULES_MEET_ONLY_THROUGH_CORE, classes);

      assertThat(report).contains("violated (7 times)");
      assertThat(report).contains(
          "Field <dev.rapport.crm.rbac.fixture.Rbac.audit> has type <dev.rapport.crm.audit.fixture.Audit>",
          "Field <dev.rapport.crm.rbac.fixture.Rbac.workflow> has type <dev.rapport.crm.workflow.fixture.Workflow>",
          "Field <dev.rapport.crm.rbac.fixture.Rbac.kit> has type <dev.rapport.crm.testkit.fixture.Kit>",
          "Field <dev.rapport.crm.audit.fixture.Audit.rbac> has type <dev.rapport.crm.rbac.fixture.Rbac>",
          "Field <dev.rapport.crm.audit.fixture.Audit.workflow> has type <dev.rapport.crm.workflow.fixture.Workflow>",
          "Field <dev.rapport.crm.workflow.fixture.Workflow.rbac> has type <dev.rapport.crm.rbac.fixture.Rbac>",
          "Field <dev.rapport.crm.workflow.fixture.Workflow.audit> has type <dev.rapport.crm.audit.fixture.Audit>");
    }
  }

  @Nested
  class CoreDependsOnNoModuleAdapterOrTestKit {
    @TempDir
    Path dir;

    @Test
    void coreNamingAModuleAnAdapterTheTestKitOrAProgramIsFound() {
      JavaClasses classes = new FixtureBuild(dir)
          .module("others",
              "package dev.rapport.crm.rbac.fixture; public class R {}",
              "package dev.rapport.crm.audit.fixture; public class A {}",
              "package dev.rapport.crm.workflow.fixture; public class W {}",
              "package dev.rapport.crm.mongo.fixture; public class M {}",
              "package dev.rapport.crm.testkit.fixture; public class K {}",
              "package dev.rapport.crm.samples.fixture; public class S {}")
          .module("crm-core", nullMarked("dev.rapport.crm"), """
              package dev.rapport.crm;

              public final class FixtureCrm {
                dev.rapport.crm.rbac.fixture.R rbac;
                dev.rapport.crm.audit.fixture.A audit;
                dev.rapport.crm.workflow.fixture.W workflow;
                dev.rapport.crm.mongo.fixture.M mongo;
                dev.rapport.crm.testkit.fixture.K kit;
                dev.rapport.crm.samples.fixture.S sample;
              }
              """).importClasses();

      String report = violations(ArchitectureConventions.CORE_DEPENDS_ON_NO_MODULE_ADAPTER_OR_TEST_KIT, classes);

      assertThat(report).contains("violated (6 times)")
          .contains("Field <dev.rapport.crm.FixtureCrm.rbac> has type <dev.rapport.crm.rbac.fixture.R>")
          .contains("Field <dev.rapport.crm.FixtureCrm.audit> has type <dev.rapport.crm.audit.fixture.A>")
          .contains("Field <dev.rapport.crm.FixtureCrm.workflow> has type <dev.rapport.crm.workflow.fixture.W>")
          .contains("Field <dev.rapport.crm.FixtureCrm.mongo> has type <dev.rapport.crm.mongo.fixture.M>")
          .contains("Field <dev.rapport.crm.FixtureCrm.kit> has type <dev.rapport.crm.testkit.fixture.K>")
          .contains("Field <dev.rapport.crm.FixtureCrm.sample> has type <dev.rapport.crm.samples.fixture.S>");
    }
  }

  @Nested
  class PublicApiExposesNoInternals {
    @TempDir
    Path dir;

    @Test
    void internalTypesInPublicSignaturesAreFoundAndUsesInsideAreNot() {
      JavaClasses classes = new FixtureBuild(dir).module("crm-core",
          nullMarked("dev.rapport.crm.internal.fixture"),
          "package dev.rapport.crm.internal.fixture; public class Engine { public int size() { return 1; } }",
          "package dev.rapport.crm.internal.fixture; public class Base {}",
          "package dev.rapport.crm.internal.fixture; public interface Part {}",
          "package dev.rapport.crm.internal.fixture; public class Failure extends RuntimeException {}",
          """
          package dev.rapport.crm.internal.fixture;

          /** Internal types may name each other. */
          public class Wiring {
            public Engine engine() {
              return new Engine();
            }
          }
          """,
          nullMarked("dev.rapport.crm.fixture.api"), """
          package dev.rapport.crm.fixture.api;

          import dev.rapport.crm.internal.fixture.Base;
          import dev.rapport.crm.internal.fixture.Engine;
          import dev.rapport.crm.internal.fixture.Failure;
          import dev.rapport.crm.internal.fixture.Part;
          import java.util.List;

          public class Leaky extends Base implements Part {
            public Engine publicField;
            private Engine privateField;

            protected Leaky(Engine viaConstructor) {}

            public List<Engine> genericReturn() {
              return List.of();
            }

            public void arrayParameter(Engine[] engines) throws Failure {}

            public <T extends Engine> T boundedTypeParameter() {
              return null;
            }

            Engine packagePrivateMethod() {
              return new Engine();
            }

            public int usesInside() {
              return new Engine().size();
            }

            public static class PublicNested {
              public Engine fromPublicNested() {
                return new Engine();
              }
            }

            static class PackagePrivateNested {
              public Engine fromPackagePrivateNested() {
                return new Engine();
              }
            }
          }
          """,
          """
          package dev.rapport.crm.fixture.api;

          class Quiet {
            public dev.rapport.crm.internal.fixture.Engine fromPackagePrivateClass() {
              return new dev.rapport.crm.internal.fixture.Engine();
            }
          }
          """).importClasses();

      String report = violations(ArchitectureConventions.PUBLIC_API_EXPOSES_NO_INTERNALS, classes);

      String engine = "dev.rapport.crm.internal.fixture.Engine";
      assertThat(report)
          .contains("violated (10 times)")
          .contains("dev.rapport.crm.fixture.api.Leaky extends dev.rapport.crm.internal.fixture.Base")
          .contains("dev.rapport.crm.fixture.api.Leaky implements dev.rapport.crm.internal.fixture.Part")
          .contains("Field <dev.rapport.crm.fixture.api.Leaky.publicField> has type " + engine)
          .contains("Leaky.<init>(" + engine + ")> has parameter of type " + engine)
          .contains("Leaky.genericReturn()> returns java.util.List<" + engine + ">, naming " + engine)
          .contains("has parameter of type " + engine + "[], naming " + engine)
          .contains("throws dev.rapport.crm.internal.fixture.Failure")
          .contains("Leaky.boundedTypeParameter()> has type parameter T, naming " + engine)
          .contains("Leaky.boundedTypeParameter()> returns T, naming " + engine)
          .contains("Leaky$PublicNested.fromPublicNested()> returns " + engine)
          .doesNotContain("privateField", "packagePrivateMethod", "usesInside", "fromPackagePrivateNested",
              "fromPackagePrivateClass", "Wiring");
    }
  }

  @Nested
  class EveryPackageIsNullMarked {
    @TempDir
    Path dir;

    @Test
    void aPackageWithoutNullMarkedIsFound() {
      JavaClasses classes = new FixtureBuild(dir).module("crm-core",
          nullMarked("dev.rapport.crm.fixture.marked"), "package dev.rapport.crm.fixture.marked; public class M {}",
          "package dev.rapport.crm.fixture.bare; public class B {}").importClasses();

      String report = violations(ArchitectureConventions.EVERY_PACKAGE_IS_NULL_MARKED, classes);

      assertThat(report).contains("package dev.rapport.crm.fixture.bare is not @NullMarked")
          .doesNotContain("dev.rapport.crm.fixture.marked");
    }
  }

  @Nested
  class NoConsoleOutput {
    @TempDir
    Path dir;

    @Test
    void libraryCodePrintingIsFound() {
      JavaClasses classes = new FixtureBuild(dir).module("crm-core", nullMarked("dev.rapport.crm.fixture.port"), """
          package dev.rapport.crm.fixture.port;

          public final class Chatty {
            public void run() {
              System.out.println("running");
            }
          }
          """).importClasses();

      String report = violations(ArchitectureConventions.NO_CONSOLE_OUTPUT, classes);

      assertThat(report)
          .contains("Method <dev.rapport.crm.fixture.port.Chatty.run()> gets field <java.lang.System.out>");
    }
  }
}
