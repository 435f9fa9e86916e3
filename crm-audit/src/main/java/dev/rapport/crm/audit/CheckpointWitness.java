package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where checkpoints go besides the database: a file on another volume, a transparency log, a timestamping service, an
 * e-mail to the auditors. {@link AuditTrail#verify} compares the chain with the {@link #latest} checkpoint a witness
 * holds, which finds a truncation that removed the newest records and their blocks alike.
 *
 * <h2>Implementer notes</h2>
 * {@link #accept} runs on the sealer's thread after the block is committed; an exception is logged and the block
 * stays sealed (the next accepted checkpoint covers it). Return from {@link #latest} only what was accepted.
 */
public interface CheckpointWitness {

  /** Takes the checkpoint of a block just sealed. */
  void accept(TenantId tenant, Checkpoint checkpoint);

  /** The newest checkpoint this witness holds for the tenant, if it can tell. */
  default Optional<Checkpoint> latest(TenantId tenant) {
    return Optional.empty();
  }

  /**
   * Every checkpoint this witness holds for the tenant, oldest first, if it can tell (default: the {@link #latest}
   * one): {@link AuditTrail#verify} checks each against the chain, so that a chain rewritten and sealed past its
   * old height is still found.
   */
  default List<Checkpoint> all(TenantId tenant) {
    return latest(tenant).map(List::of).orElse(List.of());
  }

  /** Keeps nothing: verification then rests on the database alone. */
  static CheckpointWitness none() {
    return (tenant, checkpoint) -> {};
  }

  /**
   * Appends each checkpoint as one JSON line ({@code {"tenant":…,"block":…,"records":…,"lastPosition":…,"head":…,
   * "sealedAt":…}}) to {@code file}, created when missing; reads the file back for {@link #latest}.
   */
  static CheckpointWitness file(Path file) {
    return new FileWitness(file);
  }

  /** See {@link CheckpointWitness#file}. */
  final class FileWitness implements CheckpointWitness {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    /**
     * The newest checkpoint per tenant, read from the file once and kept up to date by {@link #accept}: the sealer
     * asks for it on every run, which must not read a file that grows by a line per block.
     */
    private final java.util.Map<String, Optional<Checkpoint>> newest = new java.util.HashMap<>();

    private FileWitness(Path file) {
      this.file = Objects.requireNonNull(file, "file");
    }

    @Override
    public synchronized void accept(TenantId tenant, Checkpoint c) {
      ObjectNode line = JSON.createObjectNode().put("tenant", tenant.value()).put("block", c.block())
          .put("records", c.records()).put("lastPosition", c.lastPosition()).put("head", c.head())
          .put("sealedAt", c.sealedAt().toString());
      try {
        Files.write(file, (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8),
            StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE,
            StandardOpenOption.DSYNC);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append the checkpoint to " + file, e);
      }
      Optional<Checkpoint> known = newest.get(tenant.value());
      if (known != null && (known.isEmpty() || known.get().block() < c.block())) {
        newest.put(tenant.value(), Optional.of(c));
      }
    }

    @Override
    public synchronized Optional<Checkpoint> latest(TenantId tenant) {
      return newest.computeIfAbsent(tenant.value(), t -> {
        Checkpoint latest = null;
        for (Checkpoint c : all(tenant)) {
          if (latest == null || c.block() > latest.block()) {
            latest = c;
          }
        }
        return Optional.ofNullable(latest);
      });
    }

    /** Every line of the tenant; a last line cut short (a crash while appending) is left out. */
    @Override
    public synchronized List<Checkpoint> all(TenantId tenant) {
      List<Checkpoint> out = new java.util.ArrayList<>();
      if (!Files.exists(file)) {
        return out;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the checkpoints in " + file, e);
      }
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) {
          continue;
        }
        Checkpoint c;
        try {
          JsonNode n = JSON.readTree(lines.get(i));
          if (!tenant.value().equals(n.path("tenant").asText())) {
            continue;
          }
          for (String field : List.of("block", "records", "lastPosition", "head", "sealedAt")) {
            if (!n.hasNonNull(field)) {
              throw new IllegalArgumentException("no " + field);
            }
          }
          c = new Checkpoint(n.path("block").asLong(), n.path("records").asLong(), n.path("lastPosition").asLong(),
              n.path("head").asText(), Instant.parse(n.path("sealedAt").asText()));
        } catch (IOException | RuntimeException e) {
          if (i == lines.size() - 1 && !lines.get(i).strip().endsWith("}")) {
            break;   // torn by a crash while it was appended: the block it stood for is checked by the next one
          }
          throw new IllegalStateException(file + " line " + (i + 1) + ": not a checkpoint: " + e.getMessage(), e);
        }
        out.add(c);
      }
      return out;
    }

    @Override
    public String toString() {
      return "CheckpointWitness.file(" + file + ")";
    }
  }
}
