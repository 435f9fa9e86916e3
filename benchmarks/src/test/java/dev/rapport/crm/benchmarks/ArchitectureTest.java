package dev.rapport.crm.benchmarks;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import dev.rapport.crm.testkit.arch.ArchitectureConventions;

/** The benchmarks follow the shared conventions too; the classes JMH generates are not ours to annotate. */
@AnalyzeClasses(packages = "dev.rapport.crm",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NotJmhGenerated.class})
class ArchitectureTest implements ArchitectureConventions {

  static final class NotJmhGenerated implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/jmh_generated/");
    }
  }
}
