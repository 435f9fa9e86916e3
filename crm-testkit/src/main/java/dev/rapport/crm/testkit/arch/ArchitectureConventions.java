package dev.rapport.crm.testkit.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.all;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.properties.HasSourceCodeLocation;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.GeneralCodingRules;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  /** The root of every Rapport package. */
  String ROOT = "dev.rapport.crm";

  /** Packages of adapters: the only ones that may use a database API. */
  String[] ADAPTER_PACKAGES = {"dev.rapport.crm.jdbc..", "dev.rapport.crm.mongo.."};

  /** Packages of the modules that implement core's ports; they meet each other only through those ports. */
  String[] MODULE_PACKAGES = {"dev.rapport.crm.rbac..", "dev.rapport.crm.audit..", "dev.rapport.crm.workflow.."};

  /** Packages of the test kit. */
  String[] TEST_KIT_PACKAGES = {"dev.rapport.crm.testkit.."};

  /**
   * Packages that are not part of the library (the samples, the benchmarks, the module-path consumer test): they
   * wire adapters and may print to the console.
   */
  String[] PROGRAM_PACKAGES = {"dev.rapport.crm.samples..", "dev.rapport.crm.benchmarks..",
      "dev.rapport.crm.moduletest.."};

  /**
   * No two packages depend on each other, directly or through others. Every package is a slice of its own: the root
   * ({@code dev.rapport.crm}, where {@code Crm} lives), each top-level package and each sub-package
   * ({@code dev.rapport.crm.internal.customer} is not {@code dev.rapport.crm.internal}).
   */
  @ArchTest
  ArchRule NO_PACKAGE_CYCLES = slices().assignedFrom(eachPackageUnder(ROOT)).should().beFreeOfCycles()
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

  /**
   * A class in an internal package ({@code dev.rapport.crm..internal..}) is used only by classes of the build module
   * it was loaded from: core's {@code dev.rapport.crm.internal..} only by crm-core, an adapter's
   * {@code dev.rapport.crm.jdbc.internal..} only by that adapter. The module is found from the class file's code
   * source (see {@link BuildModule}), not from the package name, since every module shares the
   * {@code dev.rapport.crm} prefix.
   */
  @ArchTest
  ArchRule INTERNALS_STAY_INSIDE_THEIR_MODULE = classes()
      .that().resideInAPackage("dev.rapport.crm..")
      .should(useOnlyInternalsOfTheirOwnModule())
      .allowEmptyShould(true)
      .because("internal packages are not API: they change without notice and are not exported (CONVENTIONS habit 9)");

  /**
   * rbac, audit and workflow meet only through core's ports: none depends on another's packages, in any direction,
   * nor on the test kit or the programs.
   */
  @ArchTest
  ArchRule MODULES_MEET_ONLY_THROUGH_CORE = modulesDependOnNoneOf(MODULE_PACKAGES);

  /**
   * Core (every {@code dev.rapport.crm..} package outside the adapters, modules, test kit and programs) depends on
   * none of those: they build on core, never the reverse.
   */
  @ArchTest
  ArchRule CORE_DEPENDS_ON_NO_MODULE_ADAPTER_OR_TEST_KIT = noClasses()
      .that().resideInAPackage("dev.rapport.crm..")
      .and().resideOutsideOfPackages(nonCorePackages())
      .should().dependOnClassesThat().resideInAnyPackage(nonCorePackages())
      .allowEmptyShould(true)
      .because("core owns the ports; modules and adapters implement them and depend on core (CONVENTIONS habit 1)");

  /**
   * A public type outside internal packages names no internal type in its public or protected signature: superclass,
   * interfaces, type-parameter bounds, and the field types, parameter, return and thrown types of its public and
   * protected members (generic type arguments included). Internal types may be used inside, never handed out.
   */
  @ArchTest
  ArchRule PUBLIC_API_EXPOSES_NO_INTERNALS = classes()
      .that().resideInAPackage("dev.rapport.crm..")
      .and().resideOutsideOfPackage("..internal..")
      .and(visibleOutsideTheirPackage())
      .should(exposeNoInternalTypes())
      .allowEmptyShould(true)
      .because("a caller who can see an internal type in the API comes to depend on it");

  /** Every package declares {@code @NullMarked} in its {@code package-info.java}. */
  @ArchTest
  ArchRule EVERY_PACKAGE_IS_NULL_MARKED = all(packagesOf(ROOT))
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
          if (isUnder(name, root)) {
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

  /** Each package under {@code root} (the root included) as a slice of its own; classes outside are ignored. */
  private static SliceAssignment eachPackageUnder(String root) {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass c) {
        String name = c.getPackageName();
        return isUnder(name, root) ? SliceIdentifier.of(name) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "each package under " + root + ", the root included";
      }
    };
  }

  /** Whether {@code packageName} is {@code root} or one of its sub-packages. */
  private static boolean isUnder(String packageName, String root) {
    return packageName.equals(root) || packageName.startsWith(root + ".");
  }

  /** Whether {@code c} (or, for an array, its component type) is in a package with an {@code internal} segment. */
  private static boolean isInternal(JavaClass c) {
    String name = "." + c.getBaseComponentType().getPackageName() + ".";
    return name.contains(".internal.");
  }

  private static ArchRule modulesDependOnNoneOf(String[] modules) {
    List<ArchRule> rules = new ArrayList<>();
    for (String module : modules) {
      List<String> forbidden = new ArrayList<>();
      for (String other : modules) {
        if (!other.equals(module)) {
          forbidden.add(other);
        }
      }
      forbidden.addAll(List.of(TEST_KIT_PACKAGES));
      forbidden.addAll(List.of(PROGRAM_PACKAGES));
      rules.add(noClasses().that().resideInAPackage(module)
          .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
          .allowEmptyShould(true));
    }
    return CompositeArchRule.of(rules)
        .as("no module of " + List.of(modules) + " depends on another, nor on " + List.of(TEST_KIT_PACKAGES)
            + " or " + List.of(PROGRAM_PACKAGES))
        .because("modules meet only through core's ports, so each works with or without the others")
        .allowEmptyShould(true);
  }

  /** Every package that is not core: adapters, modules, the test kit and the programs. */
  private static String[] nonCorePackages() {
    List<String> packages = new ArrayList<>();
    packages.addAll(List.of(ADAPTER_PACKAGES));
    packages.addAll(List.of(MODULE_PACKAGES));
    packages.addAll(List.of(TEST_KIT_PACKAGES));
    packages.addAll(List.of(PROGRAM_PACKAGES));
    return packages.toArray(String[]::new);
  }

  private static ArchCondition<JavaClass> useOnlyInternalsOfTheirOwnModule() {
    return new ArchCondition<>("use internal classes of their own build module only") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (Dependency d : origin.getDirectDependenciesFromSelf()) {
          JavaClass target = d.getTargetClass().getBaseComponentType();
          if (!isUnder(target.getPackageName(), ROOT) || !isInternal(target)) {
            continue;
          }
          Optional<BuildModule> from = BuildModule.of(origin);
          Optional<BuildModule> to = BuildModule.of(target);
          if (from.isEmpty() || to.isEmpty()) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription() + ": cannot tell which build module "
                + (from.isEmpty() ? origin : target).getName() + " was loaded from (no class file location)"));
          } else if (!from.get().root().equals(to.get().root())) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription() + ": " + from.get()
                + " uses an internal class of " + to.get()));
          }
        }
      }
    };
  }

  /** Public classes, and protected or public nested classes of those: what code in another package can name. */
  private static DescribedPredicate<JavaClass> visibleOutsideTheirPackage() {
    return new DescribedPredicate<>("are visible outside their package") {
      @Override
      public boolean test(JavaClass c) {
        for (JavaClass k = c; ; k = k.getEnclosingClass().orElseThrow()) {
          boolean visible = k.getModifiers().contains(JavaModifier.PUBLIC)
              || (!k.isTopLevelClass() && k.getModifiers().contains(JavaModifier.PROTECTED));
          if (!visible || k.isAnonymousClass() || k.isLocalClass()) {
            return false;
          }
          if (k.getEnclosingClass().isEmpty()) {
            return true;
          }
        }
      }
    };
  }

  private static ArchCondition<JavaClass> exposeNoInternalTypes() {
    return new ArchCondition<>("name no internal type in their public or protected signatures") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        c.getSuperclass().ifPresent(t -> report(events, c, c.getName() + " extends", t));
        c.getInterfaces().forEach(t -> report(events, c, c.getName() + " implements", t));
        c.getTypeParameters().forEach(t -> report(events, c, c.getName() + " has type parameter", t));
        for (JavaField f : c.getFields()) {
          if (isApi(f)) {
            report(events, f, "Field <" + f.getFullName() + "> has type", f.getType());
          }
        }
        for (JavaCodeUnit u : c.getCodeUnits()) {
          if (!isApi(u)) {
            continue;
          }
          String what = (u.isConstructor() ? "Constructor <" : "Method <") + u.getFullName() + ">";
          u.getParameterTypes().forEach(t -> report(events, u, what + " has parameter of type", t));
          if (u.isMethod()) {
            report(events, u, what + " returns", u.getReturnType());
          }
          u.getThrowsClause().getTypes().forEach(t -> report(events, u, what + " throws", t));
          u.getTypeParameters().forEach(t -> report(events, u, what + " has type parameter", t));
        }
      }

      /** {@code Engine[]} rather than the JVM's {@code [Ldev...Engine;}. */
      private String render(JavaType type) {
        return type instanceof JavaClass c && c.isArray()
            ? render(c.getComponentType()) + "[]" : type.getName();
      }

      private boolean isApi(JavaMember m) {
        Set<JavaModifier> modifiers = m.getModifiers();
        return (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED))
            && !modifiers.contains(JavaModifier.SYNTHETIC);
      }

      private void report(ConditionEvents events, HasSourceCodeLocation where, String what, JavaType type) {
        for (JavaClass named : type.getAllInvolvedRawTypes()) {
          if (isInternal(named)) {
            String shown = render(type).equals(named.getName()) ? named.getName()
                : render(type) + ", naming " + named.getName();
            events.add(SimpleConditionEvent.violated(where,
                what + " " + shown + " in " + where.getSourceCodeLocation()));
          }
        }
      }
    };
  }
}
