package dev.rapport.crm.testkit.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.Crm;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.CustomFieldSchema;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.Store;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lost-update scenario that concurrency tests share, on one node or several: customers carrying a custom
 * NUMBER field {@code counter}, read-modify-write increments that name the version they read, and the checks that
 * no successful increment was lost and that the change feed holds every committed write exactly once.
 *
 * <pre>{@code
 * Crm crm = Crm.builder()...customFields(CounterCustomers.SCHEMA).build();
 * CounterCustomers counters = CounterCustomers.create(crm, actor, 20);
 * // from many threads, on one or several Crm instances over the same store:
 * counters.increment(crm, actor, counters.ids().get(i), () -> { });
 * counters.assertNoLostUpdate(crm, actor);
 * counters.assertChangeFeedHoldsEveryWriteOnce(crm.store(), actor.tenant());
 * }</pre>
 */
public final class CounterCustomers {
  /** The custom-field schema the Crm instances under test must be built with. */
  public static final CustomFieldSchema SCHEMA = CustomFieldSchema.builder().number("counter", false).build();

  private final List<String> ids;
  private final Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
  private final AtomicInteger conflicts = new AtomicInteger();

  private CounterCustomers(List<String> ids) {
    this.ids = List.copyOf(ids);
    ids.forEach(id -> successes.put(id, new AtomicInteger()));
  }

  /** Creates {@code count} customers with counter 0 through {@code crm}. */
  public static CounterCustomers create(Crm crm, Actor actor, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(crm.customers().create(actor, CustomerData.builder(CustomerKind.PERSON, "Customer " + i)
          .customField("counter", 0).build()).id());
    }
    return new CounterCustomers(ids);
  }

  public List<String> ids() {
    return ids;
  }

  /**
   * Reads customer {@code id} through {@code node}, runs {@code betweenReadAndWrite} (think time), then writes
   * counter + 1 with the version it read. Counts a success, or a conflict when the store reports
   * {@link VersionConflictException}; any other exception propagates and fails the test.
   */
  public boolean increment(Crm node, Actor actor, String id, Runnable betweenReadAndWrite) {
    Customer read = node.customers().require(actor, id);
    long counter = Long.parseLong(read.customFields().get("counter"));
    betweenReadAndWrite.run();
    try {
      node.customers().update(actor, id, CustomerPatch.builder().expectedVersion(read.version())
          .customField("counter", counter + 1).build());
      successes.get(id).incrementAndGet();
      return true;
    } catch (VersionConflictException e) {
      conflicts.incrementAndGet();
      return false;
    }
  }

  public int successes() {
    return successes.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public int successes(String id) {
    return successes.get(id).get();
  }

  public int conflicts() {
    return conflicts.get();
  }

  /** Every successful increment is in the stored counter, and each one made exactly one new version. */
  public void assertNoLostUpdate(Crm node, Actor actor) {
    for (String id : ids) {
      Customer c = node.customers().require(actor, id);
      int ok = successes(id);
      assertThat(c.customFields().get("counter")).as("counter of %s", id).isEqualTo(Integer.toString(ok));
      assertThat(c.version()).as("version of %s", id).isEqualTo(1L + ok);
    }
  }

  /** The change feed holds the creation and every successful increment of every customer, each exactly once. */
  public void assertChangeFeedHoldsEveryWriteOnce(Store store, TenantId tenant) {
    List<Change> customerChanges = allChanges(store, tenant).stream()
        .filter(ch -> ch.collection().equals(CustomerFields.COLLECTION)).toList();
    assertThat(customerChanges).hasSize(ids.size() + successes());
    Set<String> versions = new HashSet<>();
    for (Change ch : customerChanges) {
      assertThat(versions.add(ch.id() + "@" + ch.version())).as("%s v%s once", ch.id(), ch.version()).isTrue();
    }
    for (String id : ids) {
      for (long v = 1; v <= 1L + successes(id); v++) {
        assertThat(versions).contains(id + "@" + v);
      }
    }
  }

  /** The whole change feed of a tenant, paged. */
  public static List<Change> allChanges(Store store, TenantId tenant) {
    List<Change> all = new ArrayList<>();
    for (long after = 0; ; ) {
      List<Change> batch = store.changes(tenant, after, 1_000);
      if (batch.isEmpty()) {
        return all;
      }
      all.addAll(batch);
      after = batch.get(batch.size() - 1).position();
    }
  }

  /** The whole of one stream of a tenant, paged. */
  public static List<StreamRecord> allRecords(Store store, TenantId tenant, String stream) {
    List<StreamRecord> all = new ArrayList<>();
    for (long after = 0; ; ) {
      List<StreamRecord> batch = store.read(tenant, stream, after, 1_000);
      if (batch.isEmpty()) {
        return all;
      }
      all.addAll(batch);
      after = batch.get(batch.size() - 1).position();
    }
  }
}
