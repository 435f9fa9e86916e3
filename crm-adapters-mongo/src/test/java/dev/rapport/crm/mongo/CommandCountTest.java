package dev.rapport.crm.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.WriteBatch;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server commands per single-document commit in envelope mode (what a create-customer costs): a deterministic
 * count, so it may be bounded; the round trips dominate the cost of a commit.
 */
class CommandCountTest {
  private static final Logger LOG = LoggerFactory.getLogger(CommandCountTest.class);
  /** The commands of an insert with one append: see the module README ("Round trips per commit"). */
  static final int MAX_COMMANDS_PER_INSERT = 7;

  static TestMongo mongo;
  static MongoClient counted;
  static final List<String> commands = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    mongo = TestMongo.inMemory();
    CommandListener listener = new CommandListener() {
      @Override
      public void commandStarted(CommandStartedEvent e) {
        String target = e.getCommand().isString(e.getCommandName())
            ? e.getCommand().getString(e.getCommandName()).getValue() : "";
        commands.add(e.getCommandName() + " " + target);
      }
    };
    counted = MongoClients.create(MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString(mongo.uri())).addCommandListener(listener).build());
  }

  @AfterAll
  static void stop() {
    counted.close();
    mongo.close();
  }

  private static List<String> commandsOf(Runnable r) {
    commands.clear();
    r.run();
    return List.copyOf(commands);
  }

  @Test
  void an_insert_with_one_append_costs_at_most_the_counted_commands_and_is_published() {
    MongoStore store = MongoStore.builder(counted, TestMongo.freshDatabase())
        .transactionMode(TransactionMode.ENVELOPE).build();
    store.register(MongoStoreTest.THINGS);
    TenantId tenant = TenantId.of("t");
    // The first commit of a tenant on a node creates the feed document and the stream's index: not counted.
    store.commit(tenant, batch("warm-up"));
    Committed[] committed = new Committed[1];
    List<String> insert = commandsOf(() -> committed[0] = store.commit(tenant, batch("a")));
    LOG.info("insert with one append: {} commands: {}", insert.size(), insert);
    List<String> update = commandsOf(() -> store.commit(tenant, WriteBatch.builder()
        .update("things", MongoStoreTest.doc("a", 2, "name", "a2")).build()));
    LOG.info("update: {} commands: {}", update.size(), update);
    List<String> delete = commandsOf(() -> store.commit(tenant, WriteBatch.builder().delete("things", "a", 2).build()));
    LOG.info("delete: {} commands: {}", delete.size(), delete);

    assertThat(insert).hasSizeLessThanOrEqualTo(MAX_COMMANDS_PER_INSERT);
    // Still complete: the change and the outbox record are in the feed at the positions the commit reported.
    assertThat(store.changes(tenant, 0, 10)).hasSize(4);
    assertThat(store.changes(tenant, 0, 10).get(1).position()).isEqualTo(committed[0].changes().get(0).position());
    assertThat(store.read(tenant, "outbox", 0, 10)).hasSize(2);
    assertThat(store.read(tenant, "outbox", 0, 10).get(1).position())
        .isEqualTo(committed[0].records().get(0).position());
    assertThat(store.get(tenant, "things", "a")).isEmpty();
  }

  private static WriteBatch batch(String id) {
    Document d = MongoStoreTest.doc(id, 1, "name", id);
    return WriteBatch.builder().insert("things", d)
        .append("outbox", "e-" + id, "thing.created", JsonNodeFactory.instance.objectNode().put("id", id)).build();
  }
}
