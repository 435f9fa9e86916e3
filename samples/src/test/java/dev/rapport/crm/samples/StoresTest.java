package dev.rapport.crm.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.mongo.MongoStore;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.recording.AuditRecorder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoresTest {

  @Test
  void withoutTheMongoVariableTheSamplesRunOnAnH2File() {
    String previous = System.getProperty("rapport.quickstart.db");
    System.setProperty("rapport.quickstart.db", "target/stores-test/rapport");
    try {
      Stores.Opened opened = Stores.from(Map.<String, String>of()::get);
      assertThat(opened.store()).isInstanceOf(dev.rapport.crm.jdbc.JdbcStore.class);
      assertThat(opened.description()).startsWith("H2 file ").endsWith("target/stores-test/rapport.mv.db");
      assertThat(opened.store().supports(dev.rapport.crm.store.Capability.DURABLE)).isTrue();
      opened.close();
    } finally {
      if (previous == null) {
        System.clearProperty("rapport.quickstart.db");
      } else {
        System.setProperty("rapport.quickstart.db", previous);
      }
    }
  }

  @Test
  void withTheMongoVariableTheQuickStartRunsOnMongoDbAndClosingClosesTheSamplesClient() {
    MongoServer server = new MongoServer(new MemoryBackend());
    try {
      server.bind("127.0.0.1", 0);
      InetSocketAddress a = server.getLocalAddress();
      Stores.Opened opened = Stores.from(Map.of(Stores.MONGO_URI_ENV, "mongodb://127.0.0.1:" + a.getPort())::get);
      assertThat(opened.store()).isInstanceOf(MongoStore.class);
      assertThat(opened.description()).contains("MongoDB", Stores.MONGO_DATABASE);

      Inbox notifier = new Inbox();
      Crm crm = Crm.builder().store(opened.store()).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
          .notifier(notifier).publishOn(Runnable::run).indexes(dev.rapport.crm.customer.CustomerFields.COLLECTION, QuickStart.INDEXES).build();
      PrintStream out = System.out;
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      try {
        QuickStart.run(crm, opened.store(), notifier);
      } finally {
        System.setOut(out);
      }
      Actor alice = Actor.of("acme", "alice");
      assertThat(crm.customers().count(alice, Criteria.all())).isEqualTo(26);
      assertThat(crm.customers().count(alice, Criteria.eq(CustomerFields.STAGE, "ACTIVE"))).isEqualTo(1);
      assertThat(notifier.events()).filteredOn(e -> e.type().equals("customer.created")).hasSize(26);

      opened.close();
      assertThatThrownBy(() -> crm.customers().count(alice, Criteria.all()))
          .as("the sample's client is closed").isInstanceOf(IllegalStateException.class);
    } finally {
      server.shutdownNow();
    }
  }
}
