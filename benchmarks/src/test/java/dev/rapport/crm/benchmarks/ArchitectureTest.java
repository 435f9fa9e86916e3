package dev.rapport.crm.benchmarks;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import dev.rapport.crm.testkit.arch.ArchitectureConventions;

/** The benchmarks follow the shared conventions too. */
@AnalyzeClasses(packages = "dev.rapport.crm", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest implements ArchitectureConventions {}
