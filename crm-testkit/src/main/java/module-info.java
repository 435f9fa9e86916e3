/**
 * Rapport's test kit: the kernel TCK (abstract JUnit 5 contracts), fixtures, the data generator, AssertJ
 * assertions, a mutable clock, a recording notifier and the ArchUnit conventions.
 *
 * <p>Every package is API. The contracts' test methods and nested classes are package-private, as JUnit 5 allows,
 * so the kernel and scenario packages are opened to JUnit's reflection (and to nothing else).
 */
module dev.rapport.crm.testkit {
  // the contracts, assertions and rules are built from these types: a test that uses the kit uses them too
  requires transitive dev.rapport.crm.core;
  requires transitive org.junit.jupiter.api;
  requires transitive org.junit.jupiter.params;
  requires transitive org.assertj.core;
  requires transitive com.tngtech.archunit;
  requires transitive com.tngtech.archunit.junit5.api;
  requires static transitive org.jspecify;

  requires com.google.i18n.phonenumbers.libphonenumber;

  exports dev.rapport.crm.testkit;
  exports dev.rapport.crm.testkit.arch;
  exports dev.rapport.crm.testkit.assertions;
  exports dev.rapport.crm.testkit.generate;
  exports dev.rapport.crm.testkit.kernel;
  exports dev.rapport.crm.testkit.scenario;
  exports dev.rapport.crm.testkit.text;

  opens dev.rapport.crm.testkit.kernel to org.junit.platform.commons;
  opens dev.rapport.crm.testkit.text to org.junit.platform.commons;
  opens dev.rapport.crm.testkit.scenario to org.junit.platform.commons;
}
