package dev.rapport.crm.testkit.arch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;

/**
 * Checks crm-core and crm-testkit against the shared conventions. crm-core cannot run this itself (it would have
 * to depend on crm-testkit, which depends on crm-core), so its classes are checked here, where both are on the
 * class path; every other module implements {@link ArchitectureConventions} in its own tests.
 */
@AnalyzeClasses(packages = "dev.rapport.crm", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest implements ArchitectureConventions {}
