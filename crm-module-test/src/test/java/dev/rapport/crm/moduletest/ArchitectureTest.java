package dev.rapport.crm.moduletest;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import dev.rapport.crm.testkit.arch.ArchitectureConventions;

/** The shared conventions, on this module and everything it builds on. */
@AnalyzeClasses(packages = "dev.rapport.crm", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest implements ArchitectureConventions {}
