package dev.rapport.crm.rbac;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import dev.rapport.crm.testkit.arch.ArchitectureConventions;

/** The shared conventions (no cycles, @NullMarked packages, internals private to their module, ...) on this module. */
@AnalyzeClasses(packages = "dev.rapport.crm.rbac", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest implements ArchitectureConventions {}
