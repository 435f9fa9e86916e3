/**
 * An adapter's tests as a module: compiled and run by TestKitOnTheModulePathTest, on the module path, to show that
 * dev.rapport.crm.testkit resolves there and that JUnit may run its contracts (package-private methods, nested
 * classes) with no command-line flags.
 */
module dev.rapport.crm.tckprobe {
  requires dev.rapport.crm.testkit;
  requires org.junit.platform.launcher;

  opens dev.rapport.crm.tckprobe to org.junit.platform.commons;
}
