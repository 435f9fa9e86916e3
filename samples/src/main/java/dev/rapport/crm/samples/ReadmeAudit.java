package dev.rapport.crm.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.audit.AuditRecord;
import dev.rapport.crm.audit.AuditTrail;
import dev.rapport.crm.audit.CheckpointWitness;
import dev.rapport.crm.audit.HistoryQuery;
import dev.rapport.crm.audit.Verification;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's audit example (the lines between the markers are its Java block): records written with each command,
 * sealed into the hash chain, verified. The quick start runs it.
 */
public final class ReadmeAudit {
  private ReadmeAudit() {}

  record Result(List<AuditRecord> trail, List<AuditRecord> history, ObjectNode asCreated, AuditTrail.Seal seal,
                Verification verification) {}

  static Result run(Store store, Path witnessFile) {
    // README:start
    AuditTrail audit = AuditTrail.builder()
        .witness(CheckpointWitness.file(witnessFile))    // checkpoints kept outside the database too
        .build();
    Crm crm = Crm.builder()
        .store(store)
        .accessPolicy(AccessPolicy.allowAll())
        .audit(audit)
        .build();
    Actor alice = Actor.of("acme", "alice");
    Customer tea = crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "杭州茶业")
        .region("CN-East").tag("tea").build());
    crm.customers().changeCreditLimit(alice, tea.id(), Money.of("250000", "CNY"), "annual review");

    // each command wrote one record in its own commit: who, when, what changed (old -> new), why
    List<AuditRecord> trail = audit.records(alice.tenant(), 0, 100);
    // the customer's history, and its state as of any instant (here: as it was created)
    List<AuditRecord> history = audit.history(alice.tenant(), HistoryQuery.forResource("customer", tea.id()));
    ObjectNode asCreated = audit.stateAsOf(alice.tenant(), "customer", tea.id(), tea.createdAt()).orElseThrow();
    // link the records into the hash chain (schedule this every few seconds), then check the whole trail
    AuditTrail.Seal seal = audit.seal(alice.tenant());
    Verification verification = audit.verify(alice.tenant());   // intact(), or firstProblem(): what and where
    // README:end
    crm.close();
    return new Result(trail, history, asCreated, seal, verification);
  }

  /** Runs the example on an in-memory store with a witness file in a temporary directory, and prints it. */
  public static void main(String[] args) {
    runAndPrint();
  }

  static void runAndPrint() {
    try {
      Path dir = Files.createTempDirectory("rapport-audit");
      Path witness = dir.resolve("checkpoints.jsonl");
      try {
        print(run(dev.rapport.crm.store.memory.InMemoryStore.create(), witness));
      } finally {
        Files.deleteIfExists(witness);
        Files.delete(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void print(Result r) {
    System.out.println("\nAudit trail (crm-audit):");
    for (AuditRecord record : r.trail()) {
      JsonNode p = record.payload();
      System.out.println("  #" + record.position() + " " + p.path("at").asText() + " " + p.path("actor").asText()
          + " " + p.path("command").asText() + (p.has("reason") ? " (" + p.path("reason").asText() + ")" : ""));
      for (JsonNode change : p.path("changes")) {
        System.out.println("      " + change.path("field").asText() + ": "
            + (change.has("old") ? change.get("old") : "-") + " -> " + (change.has("new") ? change.get("new") : "-"));
      }
    }
    System.out.println("  history of the customer: " + r.history().stream()
        .map(h -> "v" + h.resourceVersion() + " " + h.command() + " by " + h.actor()).toList());
    System.out.println("  as created: credit limit " + (r.asCreated().has("creditLimit") ? r.asCreated()
        .path("creditLimit") : "none") + ", tags " + r.asCreated().path("tags"));
    System.out.println("  sealed " + r.seal().records() + " records in " + r.seal().blocks() + " block(s), head "
        + (r.seal().checkpoint() == null ? "-" : r.seal().checkpoint().head().substring(0, 16) + "…")
        + "; verify: " + (r.verification().intact() ? "intact" : r.verification().problem()));
  }
}
