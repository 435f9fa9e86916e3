package dev.rapport.crm.moduletest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.mongo.MongoStore;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What the shipped modules export and open, seen from a consumer module: every API package is exported to
 * everyone; no {@code internal} package is exported or opened to anyone but Jackson and Hibernate Validator (and
 * none of those is internal); reflection from the consumer into an internal package is refused.
 */
class EncapsulationTest {
  private static final Module CONSUMER = EncapsulationTest.class.getModule();
  private static final Module CORE = Crm.class.getModule();

  /** The API of each module, package by package; a new package must be added here and to its module-info. */
  private static final Map<Module, Set<String>> API = Map.of(
      CORE, Set.of(
          "dev.rapport.crm",
          "dev.rapport.crm.access",
          "dev.rapport.crm.actor",
          "dev.rapport.crm.approval",
          "dev.rapport.crm.command",
          "dev.rapport.crm.contact",
          "dev.rapport.crm.customer",
          "dev.rapport.crm.directory",
          "dev.rapport.crm.error",
          "dev.rapport.crm.feed",
          "dev.rapport.crm.interaction",
          "dev.rapport.crm.lifecycle",
          "dev.rapport.crm.module",
          "dev.rapport.crm.money",
          "dev.rapport.crm.notify",
          "dev.rapport.crm.query",
          "dev.rapport.crm.recording",
          "dev.rapport.crm.servicecase",
          "dev.rapport.crm.store",
          "dev.rapport.crm.store.memory",
          "dev.rapport.crm.tag"),
      JdbcStore.class.getModule(), Set.of("dev.rapport.crm.jdbc"),
      MongoStore.class.getModule(), Set.of("dev.rapport.crm.mongo"));

  private static final Set<String> REFLECTING_FRAMEWORKS =
      Set.of("com.fasterxml.jackson.databind", "org.hibernate.validator");

  @Test
  void everyApiPackageIsExportedToEveryoneAndNothingElseIsExported() {
    API.forEach((module, api) -> {
      Set<String> exported = module.getDescriptor().exports().stream()
          .peek(e -> assertThat(e.isQualified()).as(module.getName() + " exports " + e.source() + " to everyone")
              .isFalse())
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(exported).as(module.getName() + " exports").containsExactlyInAnyOrderElementsOf(api);
      api.forEach(pkg -> assertThat(module.isExported(pkg, CONSUMER)).as(pkg).isTrue());
    });
  }

  @Test
  void everyPackageIsEitherApiOrInternal() {
    // a new package that is neither exported nor under internal would be silently hidden from consumers
    API.forEach((module, api) -> assertThat(module.getPackages())
        .as(module.getName() + " packages")
        .allMatch(pkg -> api.contains(pkg) || isInternal(pkg)));
  }

  @Test
  void internalPackagesAreNeitherExportedNorOpenToTheConsumer() {
    assertThat(internalPackages(CORE)).contains(
        "dev.rapport.crm.internal",
        "dev.rapport.crm.internal.command",
        "dev.rapport.crm.internal.customer",
        "dev.rapport.crm.internal.interaction",
        "dev.rapport.crm.internal.servicecase");
    assertThat(internalPackages(JdbcStore.class.getModule())).contains("dev.rapport.crm.jdbc.internal");
    assertThat(internalPackages(MongoStore.class.getModule())).contains("dev.rapport.crm.mongo.internal");
    API.keySet().forEach(module -> internalPackages(module).forEach(pkg -> {
      assertThat(module.isExported(pkg, CONSUMER)).as(pkg + " exported to the consumer").isFalse();
      assertThat(module.isOpen(pkg, CONSUMER)).as(pkg + " open to the consumer").isFalse();
    }));
  }

  @Test
  void onlyApiPackagesAreOpenedAndOnlyToJacksonAndHibernateValidator() {
    API.forEach((module, api) -> module.getDescriptor().opens().forEach(opens -> {
      assertThat(opens.isQualified()).as(module.getName() + " opens " + opens.source() + " to everyone").isTrue();
      assertThat(REFLECTING_FRAMEWORKS).containsAll(opens.targets());
      assertThat(api).as("opened package is API").contains(opens.source());
      assertThat(module.isOpen(opens.source(), CONSUMER)).as(opens.source() + " open to the consumer").isFalse();
    }));
    Module jackson = com.fasterxml.jackson.databind.ObjectMapper.class.getModule();
    assertThat(jackson.getName()).isEqualTo("com.fasterxml.jackson.databind");
    assertThat(CORE.isOpen("dev.rapport.crm.contact", jackson)).isTrue();
    assertThat(CORE.isOpen("dev.rapport.crm.internal", jackson)).isFalse();
  }

  @Test
  void aPublicMethodOfAnInternalClassCannotBeCalledByReflection() throws Exception {
    assertThat(Consumer.callInternal()).isEqualTo(IllegalAccessException.class.getName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev.rapport.crm.core", "dev.rapport.crm.jdbc", "dev.rapport.crm.mongo"})
  void noClassOfAnInternalPackageIsAccessibleNorCanBeOpenedByReflection(String moduleName) throws Exception {
    Module module = ModuleLayer.boot().findModule(moduleName).orElseThrow();
    List<Class<?>> internals = internalClasses(module);
    assertThat(internals).as("classes in the internal packages of " + moduleName).isNotEmpty();
    for (Class<?> c : internals) {
      // the class loads (it is there), but a consumer can neither link to it nor break into it
      assertThatThrownBy(() -> MethodHandles.lookup().accessClass(c)).as(c.getName())
          .isInstanceOf(IllegalAccessException.class);
      for (var member : Stream.concat(Stream.of(c.getDeclaredConstructors()), Stream.of(c.getDeclaredMethods()))
          .toList()) {
        assertThat(member.trySetAccessible()).as(member.toString()).isFalse();
      }
    }
  }

  private static boolean isInternal(String pkg) {
    return pkg.contains(".internal.") || pkg.endsWith(".internal");
  }

  private static Set<String> internalPackages(Module module) {
    return module.getPackages().stream().filter(EncapsulationTest::isInternal)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Every class the module's jar holds in an internal package, loaded without initialization. */
  private static List<Class<?>> internalClasses(Module module) throws IOException {
    ResolvedModule resolved = ModuleLayer.boot().configuration().findModule(module.getName()).orElseThrow();
    try (ModuleReader reader = resolved.reference().open(); Stream<String> names = reader.list()) {
      return names.filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class")
              && !n.endsWith("package-info.class"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
          .filter(n -> isInternal(n.substring(0, n.lastIndexOf('.'))))
          .sorted()
          .<Class<?>>map(n -> {
            try {
              return Class.forName(n, false, module.getClassLoader());
            } catch (ClassNotFoundException e) {
              throw new IllegalStateException(e);
            }
          })
          .toList();
    }
  }
}
