package dev.rapport.crm.moduletest;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/**
 * What an application module does with Rapport, written only against the exported API. Its {@link #main} is run by
 * {@code ModulePathLaunchTest} in a JVM of its own, started with nothing but {@code --module-path} and
 * {@code --module}, and writes what it saw to the file it is given (a library module prints nothing).
 */
public final class Consumer {
  static final Actor ALICE = Actor.of("acme", "alice");

  private Consumer() {}

  /** A store on a fresh in-memory H2 database: the JDBC adapter, its Flyway migrations included. */
  public static Store h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:moduletest-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
    return JdbcStore.h2(ds);
  }

  /** A Crm on {@code store}. */
  public static Crm crm(Store store) {
    return Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none()).build();
  }

  /**
   * Creates a customer whose stored JSON holds every kind of value object (e-mail, E.164 phone, money, tag, tenant)
   * and reads it back: Jackson writes and reads the records, Hibernate Validator checks the input.
   */
  public static Customer createAndRead(Crm crm) {
    Customer created = crm.customers().create(ALICE, CustomerData.builder(CustomerKind.ORGANIZATION, "Huaxin Trading")
        .email("purchasing@huaxin.example.cn")
        .phone("021 6123 4567").phoneRegion("CN")
        .creditLimit("250000", "CNY")
        .tag("segment/enterprise")
        .build());
    return crm.customers().get(ALICE, created.id())
        .orElseThrow(() -> new IllegalStateException("customer " + created.id() + " was created but cannot be read"));
  }

  /** An invalid input: the command path reports the violations (Bean Validation and domain rules together). */
  public static ValidationException rejectInvalid(Crm crm) {
    try {
      crm.customers().create(ALICE, CustomerData.builder(CustomerKind.PERSON, " ").email("not an address").build());
    } catch (ValidationException e) {
      return e;
    }
    throw new IllegalStateException("an invalid customer was accepted");
  }

  /**
   * Calls the public static {@code dev.rapport.crm.internal.Json.object()} by reflection, as a consumer that
   * ignores the API might: the class loads, but the call is refused because the package is not exported.
   *
   * @return the name of the exception that refused the call
   */
  public static String callInternal() throws ReflectiveOperationException {
    Class<?> json = Class.forName("dev.rapport.crm.internal.Json");
    try {
      json.getMethod("object").invoke(null);
      return "none: the call succeeded";
    } catch (IllegalAccessException expected) {
      return expected.getClass().getName();
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("the internal call ran", e);
    }
  }

  /** Runs the above and writes {@code key=value} lines to the file named by the first argument. */
  public static void main(String[] args) throws IOException, ReflectiveOperationException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: Consumer <report file>");
    }
    List<String> report = new ArrayList<>();
    report.add("consumer.module=" + Consumer.class.getModule().getName());
    report.add("core.module=" + Crm.class.getModule().getName());
    report.add("jdbc.module=" + JdbcStore.class.getModule().getName());
    try (Crm crm = crm(h2())) {
      Customer read = createAndRead(crm);
      report.add("customer.name=" + read.name().defaultValue());
      report.add("customer.phone=" + read.phones().get(0).e164());
      report.add("customer.creditLimit=" + read.creditLimit());
      report.add("invalid.emails[0]=" + rejectInvalid(crm).violations().stream()
          .anyMatch(v -> v.path().equals("emails[0]")));
    }
    report.add("internal.call=" + callInternal());
    Files.write(Path.of(args[0]), report);
  }
}
