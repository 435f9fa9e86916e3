package dev.rapport.crm.tckprobe;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/** Runs {@link InMemoryTckTest} with JUnit's launcher and writes the counts and failures to the file given. */
public final class Run {
  private Run() {}

  public static void main(String[] args) throws IOException {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(DiscoverySelectors.selectClass(InMemoryTckTest.class))
        .build(), listener);
    TestExecutionSummary summary = listener.getSummary();
    StringWriter failures = new StringWriter();
    summary.printFailuresTo(new PrintWriter(failures), 20);
    Files.writeString(Path.of(args[0]), "module=" + InMemoryTckTest.class.getModule().getName()
        + "\ntestkit=" + dev.rapport.crm.testkit.kernel.KernelTck.class.getModule().getName()
        + "\nfound=" + summary.getTestsFoundCount()
        + "\nsucceeded=" + summary.getTestsSucceededCount()
        + "\nfailed=" + summary.getTestsFailedCount()
        + "\n" + failures);
  }
}
