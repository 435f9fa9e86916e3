package dev.rapport.crm.workflow;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import dev.rapport.crm.testkit.arch.ArchitectureConventions;

/** The shared conventions (no cycles, @NullMarked packages, no dependency on rbac or audit, ...) on this module. */
@AnalyzeClasses(packages = "dev.rapport.crm.workflow", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest implements ArchitectureConventions {}
