package dev.rapport.crm.moduletest;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.rapport.crm.testkit.arch.ArchitectureConventions;

/**
 * The shared conventions on this module, less DOMAIN_IS_STORAGE_NEUTRAL: like the samples, this module is a program
 * that wires the adapters, which that rule allows only to {@code ArchitectureConventions.PROGRAM_PACKAGES}.
 */
@AnalyzeClasses(packages = "dev.rapport.crm.moduletest", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLES = ArchitectureConventions.NO_PACKAGE_CYCLES;
  @ArchTest
  static final ArchRule INTERNALS_STAY_INSIDE_THEIR_TREE = ArchitectureConventions.INTERNALS_STAY_INSIDE_THEIR_TREE;
  @ArchTest
  static final ArchRule EVERY_PACKAGE_IS_NULL_MARKED = ArchitectureConventions.EVERY_PACKAGE_IS_NULL_MARKED;
  @ArchTest
  static final ArchRule NO_CONSOLE_OUTPUT = ArchitectureConventions.NO_CONSOLE_OUTPUT;
}
