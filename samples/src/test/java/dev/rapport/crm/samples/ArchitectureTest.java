package dev.rapport.crm.samples;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import dev.rapport.crm.testkit.arch.ArchitectureConventions;

/** The samples follow the shared conventions too (printing to the console is theirs to do). */
@AnalyzeClasses(packages = "dev.rapport.crm", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest implements ArchitectureConventions {}
