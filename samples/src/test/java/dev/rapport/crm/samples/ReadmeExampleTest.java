package dev.rapport.crm.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.feed.FeedPosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Java blocks are the marked lines of the samples that compile and run here, so they cannot rot: the
 * first block is {@link ReadmeExample} with its imports, the second {@link ReadmeReads}, the third
 * {@link ReadmeIndexes}, the fourth {@link ReadmeAccess}, the fifth {@link ReadmeAudit}, the sixth
 * {@link ReadmeWorkflow}.
 */
class ReadmeExampleTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/rapport/crm/samples");

  private static List<String> readmeBlocks() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /** The lines between the markers, without the method body's indentation. */
  private static String marked(String source) {
    String body = source.substring(source.indexOf("// README:start\n") + "// README:start\n".length(),
        source.indexOf("    // README:end"));
    return body.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l).reduce("", (a, l) -> a + l + "\n");
  }

  private static String imports(String source) {
    return source.lines().filter(l -> l.startsWith("import ")).reduce("", (a, l) -> a + l + "\n");
  }

  @Test
  void theReadmesJavaBlocksAreTheSamplesThatRun() throws IOException {
    String example = Files.readString(SOURCES.resolve("ReadmeExample.java"));
    String reads = Files.readString(SOURCES.resolve("ReadmeReads.java"));
    String indexes = Files.readString(SOURCES.resolve("ReadmeIndexes.java"));
    String access = Files.readString(SOURCES.resolve("ReadmeAccess.java"));
    String audit = Files.readString(SOURCES.resolve("ReadmeAudit.java"));
    String workflow = Files.readString(SOURCES.resolve("ReadmeWorkflow.java"));

    assertThat(readmeBlocks()).containsExactly(imports(example) + "\n" + marked(example), marked(reads),
        marked(indexes), marked(access), marked(audit), marked(workflow));
  }

  @Test
  void theReadmesYamlDefinitionIsTheSamplesFileAndTheJavaOne() throws IOException {
    String file = Files.readString(Path.of("src/main/resources/approvals.yaml"));
    Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(Path.of("../README.md")));
    List<String> yaml = new ArrayList<>();
    while (m.find()) {
      yaml.add(m.group(1));
    }
    assertThat(yaml).filteredOn(b -> b.contains("approval definition")).containsExactly(file);
    ReadmeWorkflow.Result r = ReadmeWorkflow.run(dev.rapport.crm.store.memory.InMemoryStore.create());
    dev.rapport.crm.workflow.Workflow fromFile = dev.rapport.crm.workflow.Workflow.builder()
        .definitions(file, "approvals.yaml").build();
    assertThat(fromFile.definition("credit-limit").orElseThrow().toJson()).isEqualTo(r.definition().toJson());
  }

  @Test
  void theWorkflowExampleApprovesInTwoStepsAndRunsTheChangeOnce() {
    ReadmeWorkflow.Result r = ReadmeWorkflow.run(dev.rapport.crm.store.memory.InMemoryStore.create());
    assertThat(r.bobsInbox()).singleElement().satisfies(t -> assertThat(t.step()).isEqualTo("manager"));
    assertThat(r.done().execution().status()).isEqualTo("RAN");
    assertThat(r.done().steps()).extracting(s -> s.name() + ":" + s.outcome())
        .containsExactly("manager:APPROVED", "finance:APPROVED");
    assertThat(r.after().creditLimit()).hasToString("250000.00 CNY");
    assertThat(r.after().version()).isEqualTo(r.before().version() + 1);
    assertThat(r.diagram()).startsWith("flowchart TD").contains("escalate to role director");
    assertThat(r.kpis().countsByState()).containsEntry(dev.rapport.crm.workflow.RequestState.APPROVED, 1L);
  }

  @Test
  void theAccessExampleFiltersMasksAndExplains() {
    ReadmeAccess.Result r = ReadmeAccess.run(dev.rapport.crm.store.memory.InMemoryStore.create());
    assertThat(r.repsPage().items()).extracting(c -> c.name().defaultValue()).containsExactly("上海华信贸易");
    assertThat(r.seenByService().phones().get(0).e164()).isEqualTo("+86 ** **** 4567");
    assertThat(r.seenByService().emails().get(0).value()).isEqualTo("s***@huaxin.example.cn");
    assertThat(r.whyNot().allowed()).isFalse();
    assertThat(r.whyNot().rules()).extracting(x -> x.ruleId()).contains("admin-all");
  }

  @Test
  void theAuditExampleRecordsSealsAndVerifies(@org.junit.jupiter.api.io.TempDir Path dir) {
    ReadmeAudit.Result r = ReadmeAudit.run(dev.rapport.crm.store.memory.InMemoryStore.create(),
        dir.resolve("w.jsonl"));
    assertThat(r.trail()).extracting(x -> x.payload().path("command").asText())
        .containsExactly("customer.create", "customer.change-credit-limit");
    assertThat(r.trail().get(1).payload().path("reason").asText()).isEqualTo("annual review");
    assertThat(r.history()).extracting(h -> h.command())
        .containsExactly("customer.create", "customer.change-credit-limit");
    assertThat(r.asCreated().has("creditLimit")).isFalse();
    assertThat(r.asCreated().path("tags")).hasSize(1);
    assertThat(r.seal().records()).isEqualTo(2);
    assertThat(r.verification().intact()).isTrue();
    assertThat(r.verification().sealed()).isEqualTo(2);
  }

  @Test
  void theExamplesRun() {
    ReadmeExample.Result r = ReadmeExample.run();
    try {
      assertThat(r.vips().items()).singleElement().satisfies(c -> {
        assertThat(c.creditLimit()).hasToString("250000.00 CNY");
        assertThat(c.phones().get(0).e164()).isEqualTo("+862161234567");
      });
      String id = r.vips().items().get(0).id();
      r.crm().customers().delete(r.alice(), id, "duplicate");

      List<Customer> erp = new ArrayList<>();
      Map<String, Customer> cache = new HashMap<>();
      ReadmeReads.Result read = ReadmeReads.run(r.crm(), r.alice(), erp, cache, FeedPosition.start().encode());
      assertThat(erp).isEmpty();
      assertThat(read.all()).isEqualTo(1);
      assertThat(read.bin().items()).extracting(Customer::id).containsExactly(id);
      assertThat(cache).containsOnlyKeys(id);
      assertThat(cache.get(id).isDeleted()).isTrue();
      assertThat(FeedPosition.decode(read.saved()).value()).isPositive();
    } finally {
      r.crm().close();
    }
  }

  @Test
  void theIndexExampleServesItsListAndRefusesAnUnindexedField() {
    var store = dev.rapport.crm.store.memory.InMemoryStore.create();
    dev.rapport.crm.actor.Actor alice = dev.rapport.crm.actor.Actor.of("acme", "alice");
    ReadmeIndexes.Result r = ReadmeIndexes.run(store, alice);
    try {
      assertThat(r.leads().items()).isEmpty();
      Customer c = r.crm().customers().create(alice, dev.rapport.crm.customer.CustomerData.builder(
          dev.rapport.crm.customer.CustomerKind.PERSON, "王芳").region("APAC").build());
      assertThat(ReadmeIndexes.run(store, alice).leads().items()).extracting(Customer::id).containsExactly(c.id());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.crm().customers().count(alice,
          dev.rapport.crm.query.Criteria.eq(dev.rapport.crm.customer.CustomerFields.GRADE, "A")))
          .hasMessageContaining("field 'grade' of collection 'customers' is not indexed");
    } finally {
      r.crm().close();
    }
  }
}
