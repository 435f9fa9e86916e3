package dev.rapport.crm.testkit.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/** Each rule catches what it is meant to catch, on fixture classes that break it (and only on those). */
class ArchitectureConventionsTest {
  private static final JavaClasses FIXTURES = new ClassFileImporter().importPackages(
      "dev.rapport.crm.archfixturecyclea", "dev.rapport.crm.archfixturecycleb",
      "dev.rapport.crm.archfixtureowner", "dev.rapport.crm.archfixturebad");

  private static String violations(ArchRule rule) {
    EvaluationResult result = rule.evaluate(FIXTURES);
    assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
    return String.join("\n", result.getFailureReport().getDetails());
  }

  @Test
  void packageCyclesAreFound() {
    assertThat(violations(ArchitectureConventions.NO_PACKAGE_CYCLES))
        .contains("archfixturecyclea").contains("archfixturecycleb").doesNotContain("archfixturebad");
  }

  @Test
  void databaseApisOutsideAdaptersAreFound() {
    assertThat(violations(ArchitectureConventions.DOMAIN_IS_STORAGE_NEUTRAL))
        .contains("Offender").contains("java.sql.Connection").doesNotContain("Owner");
  }

  @Test
  void accessToAnotherTreesInternalsIsFoundButTheOwnersIsNot() {
    assertThat(violations(ArchitectureConventions.INTERNALS_STAY_INSIDE_THEIR_TREE))
        .contains("Offender").doesNotContain("Owner.value");
  }

  @Test
  void packagesWithoutNullMarkedAreFound() {
    String details = violations(ArchitectureConventions.EVERY_PACKAGE_IS_NULL_MARKED);
    assertThat(details).contains("dev.rapport.crm.archfixturebad is not")
        .doesNotContain("archfixtureowner is not").doesNotContain("archfixturecyclea is not");
  }

  @Test
  void consoleOutputIsFound() {
    assertThat(violations(ArchitectureConventions.NO_CONSOLE_OUTPUT)).contains("Offender").contains("System.out");
  }
}
