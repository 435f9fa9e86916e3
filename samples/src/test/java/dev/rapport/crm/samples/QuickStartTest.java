package dev.rapport.crm.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.notify.Event;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickStartTest {

  @Test
  void theQuickStartRunsEveryStepAndTheNotifierSeesTheEvents() {
    InMemoryStore store = InMemoryStore.create();
    Inbox notifier = new Inbox();
    Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .notifier(notifier).indexes(dev.rapport.crm.customer.CustomerFields.COLLECTION, QuickStart.INDEXES).build();
    PrintStream out = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      QuickStart.run(crm, store, notifier);
    } finally {
      System.setOut(out);
    }
    String printed = buffer.toString(StandardCharsets.UTF_8);
    Actor alice = Actor.of("acme", "alice");

    assertThat(crm.customers().count(alice, Criteria.all())).isEqualTo(26);
    assertThat(crm.customers().count(alice, Criteria.eq(CustomerFields.STAGE, "ACTIVE"))).isEqualTo(1);
    assertThat(printed).contains("first CREATED", "second UNCHANGED", "Rejected a bad command with",
        "emails[0]", "phones[0]", "addresses[0].postalCode", "tags[0]");
    // delivered at least once: counted by event id
    assertThat(notifier.events().stream().filter(e -> e.type().equals("customer.created")).map(Event::id).distinct())
        .hasSize(26);
    assertThat(notifier.events().stream().filter(e -> e.type().equals("customer.stage-changed")).map(Event::id)
        .distinct()).hasSize(2);
  }
}
