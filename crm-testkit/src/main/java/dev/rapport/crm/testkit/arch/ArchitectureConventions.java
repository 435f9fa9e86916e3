package dev.rapport.crm.testkit.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.all;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.NullMarked;

/**
 * Rapport's architecture rules (CONVENTIONS habit 7), shared by every module. A module checks them by implementing
 * this interface in one test class; ArchUnit's JUnit 5 engine runs every {@link ArchTest} rule below:
 *
 * <pre>{@code
 * @AnalyzeClasses(packages = "dev.rapport.crm", importOptions = ImportOption.DoNotIncludeTests.class)
 * class ArchitectureTest implements ArchitectureConventions {}
 * }</pre>
 *
 * The rules see every {@code dev.rapport.crm} class on the module's test class path (its own and its
 * dependencies'), so a module also re-checks what it builds on; that is cheap and catches split packages.
 */
public interface ArchitectureConventions {

  /** Packages of adapters: the only ones that may use a database API. */
  String[] ADAPTER_PACKAGES = {"dev.rapport.crm.jdbc..", "dev.rapport.crm.mongo.."};

  /** Packages that are not part of the library: they may print to the console. */
  String[] PROGRAM_PACKAGES = {"dev.rapport.crm.samples..", "dev.rapport.crm.benchmarks.."};

  /** Top-level packages ({@code dev.rapport.crm.<slice>..}) do not depend on each other in a cycle. */
  @ArchTest
  ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.rapport.crm.(*)..").should().beFreeOfCycles()
      .allowEmptyShould(true);

  /**
   * Core, rbac, audit, workflow (and the test kit) are storage-neutral: they reach a database only through the
   * kernel SPI, never through JDBC, the MongoDB driver or an adapter.
   */
  @ArchTest
  ArchRule DOMAIN_IS_STORAGE_NEUTRAL = noClasses()
      .that().resideInAPackage("dev.rapport.crm..")
      .and().resideOutsideOfPackages(ADAPTER_PACKAGES)
      .and().resideOutsideOfPackages(PROGRAM_PACKAGES)
      .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "com.mongodb..", "org.bson..")
      .orShould().dependOnClassesThat().resideInAnyPackage(ADAPTER_PACKAGES)
      .allowEmptyShould(true)
      .because("every module works on every adapter without the adapter knowing the module (ARCHITECTURE §1)");

  /** A class in {@code X.internal..} is used only from {@code X..}: internal packages are not API. */
  @ArchTest
  ArchRule INTERNALS_STAY_INSIDE_THEIR_TREE = classes()
      .that().resideInAPackage("dev.rapport.crm..internal..")
      .should(beAccessedOnlyFromTheirOwnTree())
      .allowEmptyShould(true);

  /** Every package declares {@code @NullMarked} in its {@code package-info.java}. */
  @ArchTest
  ArchRule EVERY_PACKAGE_IS_NULL_MARKED = all(packagesOf("dev.rapport.crm"))
      .should(beNullMarked())
      .allowEmptyShould(true);

  /** Library code logs through SLF4J; only sample programs and benchmarks write to the console. */
  @ArchTest
  ArchRule NO_CONSOLE_OUTPUT = noClasses()
      .that().resideInAPackage("dev.rapport.crm..")
      .and().resideOutsideOfPackages(PROGRAM_PACKAGES)
      .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
      .allowEmptyShould(true)
      .because("a library must not write to the host's console; log through SLF4J");

  /** The packages, under {@code root}, that contain at least one imported class. */
  static AbstractClassesTransformer<JavaPackage> packagesOf(String root) {
    return new AbstractClassesTransformer<>("packages under " + root) {
      @Override
      public Iterable<JavaPackage> doTransform(JavaClasses classes) {
        TreeMap<String, JavaPackage> packages = new TreeMap<>();
        for (JavaClass c : classes) {
          String name = c.getPackageName();
          if (name.equals(root) || name.startsWith(root + ".")) {
            packages.put(name, c.getPackage());
          }
        }
        return packages.values();
      }
    };
  }

  static ArchCondition<JavaPackage> beNullMarked() {
    return new ArchCondition<>("be annotated with @NullMarked in package-info.java") {
      @Override
      public void check(JavaPackage pkg, ConditionEvents events) {
        boolean marked = pkg.isAnnotatedWith(NullMarked.class);
        events.add(new SimpleConditionEvent(pkg, marked,
            "package " + pkg.getName() + (marked ? " is" : " is not") + " @NullMarked (add a package-info.java)"));
      }
    };
  }

  static ArchCondition<JavaClass> beAccessedOnlyFromTheirOwnTree() {
    return new ArchCondition<>("be accessed only from the package tree that owns their internal package") {
      @Override
      public void check(JavaClass target, ConditionEvents events) {
        String pkg = target.getPackageName();
        int at = pkg.endsWith(".internal") ? pkg.length() - ".internal".length() : pkg.indexOf(".internal.");
        String owner = pkg.substring(0, at);
        Set<Dependency> incoming = target.getDirectDependenciesToSelf();
        for (Dependency d : incoming) {
          String from = d.getOriginClass().getPackageName();
          if (!from.equals(owner) && !from.startsWith(owner + ".")) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription()
                + " reaches into " + owner + ".internal from outside " + owner));
          }
        }
      }
    };
  }
}
