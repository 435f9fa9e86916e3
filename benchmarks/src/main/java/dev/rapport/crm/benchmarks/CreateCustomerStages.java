package dev.rapport.crm.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.command.Changed;
import dev.rapport.crm.command.DomainEvent;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.contact.PostalAddress;
import dev.rapport.crm.customer.AddressInput;
import dev.rapport.crm.customer.ContactPersonInput;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerRules;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.TextRules;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.IntConsumer;

/**
 * Where the CPU time of one create-customer command goes: the whole command through {@code Crm} on
 * {@code InMemoryStore}, and each of its stages run on its own over the same corpus with the same public classes
 * the command path uses (CPU time of this thread, medians of rounds of 5,000 customers).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.rapport.crm.benchmarks.CreateCustomerStages [rounds] [warm-up]
 * </pre>
 */
public final class CreateCustomerStages {
  private static final int PER_ROUND = 5_000;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private CreateCustomerStages() {}

  private static Object sink;

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    List<CustomerData> corpus = new ArrayList<>();
    CreateInputs inputs = new CreateInputs();
    for (int i = 0; i < CreateInputs.SIZE; i++) {
      corpus.add(inputs.next());
    }
    TenantId tenant = TenantId.of("bench");
    Actor actor = Actor.of("bench", "bench-user");
    CustomerRules rules = CustomerRules.standard();
    String collection = CustomerFields.TYPE.collection().name();
    // the stages' inputs, computed once so that each stage is timed alone: the stored documents as the command
    // path wrote them, read back from a store (the public way to them), and each customer's events
    List<List<DomainEvent>> events = new ArrayList<>();
    List<Document> documents = new ArrayList<>();
    InMemoryStore written = InMemoryStore.create();
    Crm writer = Crm.builder().store(written).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .build();
    for (CustomerData d : corpus) {
      Changed<Customer> c = Customer.create(UUID.randomUUID().toString(), tenant, d, rules, Instant.now(),
          "bench-user");
      events.add(c.events());
      String id = writer.customers().create(actor, d).id();
      documents.add(written.get(tenant, collection, id).orElseThrow());
    }

    String[] names = {"whole command (Crm.customers().create)", "  Customer.create (value objects, aggregate, event)",
        "    of which PhoneNumber.parse (libphonenumber parse + isValidNumber)", "    of which EmailAddress.of",
        "    of which new PostalAddress", "  text rules on the stored body",
        "  InMemoryStore.commit (insert + outbox event, with the Document and Event built for it)"};
    double[][] us = new double[names.length][rounds];
    double[][] kib = new double[names.length][rounds];
    for (int r = -warmUp; r < rounds; r++) {
      Crm crm = Crm.builder().store(InMemoryStore.create()).accessPolicy(AccessPolicy.allowAll())
          .audit(AuditRecorder.none()).build();
      InMemoryStore store = InMemoryStore.create();
      store.register(CustomerFields.TYPE.collection());
      Instant now = Instant.now();
      int base = (r + warmUp) * PER_ROUND;
      IntConsumer[] stages = {
          i -> sink = crm.customers().create(actor, corpus.get(i % corpus.size())),
          i -> sink = Customer.create(UUID.randomUUID().toString(), tenant, corpus.get(i % corpus.size()), rules, now,
              "bench-user"),
          i -> {
            CustomerData d = corpus.get(i % corpus.size());
            for (String p : d.phones()) {
              sink = PhoneNumber.parse(p, d.phoneRegion());
            }
            for (ContactPersonInput p : d.contactPersons()) {
              for (String s : p.phones()) {
                sink = PhoneNumber.parse(s, d.phoneRegion());
              }
            }
          },
          i -> {
            CustomerData d = corpus.get(i % corpus.size());
            for (String e : d.emails()) {
              sink = EmailAddress.of(e);
            }
            for (ContactPersonInput p : d.contactPersons()) {
              for (String e : p.emails()) {
                sink = EmailAddress.of(e);
              }
            }
          },
          i -> {
            for (AddressInput a : corpus.get(i % corpus.size()).addresses()) {
              sink = new PostalAddress(a.country(), a.region(), a.city(), a.district(), a.streetLines(),
                  a.postalCode());
            }
          },
          i -> sink = TextRules.check(documents.get(i % documents.size()).body()),
          i -> {
            Document doc = documents.get(i % documents.size());
            // a fresh id each time: the store holds every document of the round
            Document fresh = new Document(UUID.randomUUID().toString(), 1, doc.body(), doc.index());
            WriteBatch.Builder batch = WriteBatch.builder().insert(collection, fresh);
            for (DomainEvent e : events.get(i % events.size())) {
              batch.append(new Event(UUID.randomUUID().toString(), e.type(), tenant, "customer", fresh.id(), 1, now,
                  "corr", e.data()).toAppend());
            }
            sink = store.commit(tenant, batch.build());
          },
      };
      for (int s = 0; s < stages.length; s++) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long a0 = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < PER_ROUND; i++) {
          stages[s].accept(base + i);
        }
        long c1 = THREADS.getCurrentThreadCpuTime();
        long a1 = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
        if (r >= 0) {
          us[s][r] = (c1 - c0) / 1e3 / PER_ROUND;
          kib[s][r] = (a1 - a0) / 1024.0 / PER_ROUND;
        }
      }
    }
    System.out.printf("medians of %d rounds of %d customers (CPU time of this thread, per customer)%n", rounds,
        PER_ROUND);
    for (int s = 0; s < names.length; s++) {
      System.out.printf("%-75s %7.2f us %8.2f KiB%n", names[s], median(us[s]), median(kib[s]));
    }
    System.out.println("(the stages do not add up to the whole: the rest is the command path's own work, such as"
        + " the stored JSON, index values and ids)");
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
