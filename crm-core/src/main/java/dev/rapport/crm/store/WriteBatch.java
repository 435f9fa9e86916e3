package dev.rapport.crm.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.ValidationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One unit of work: document writes, stream appends and an optional lease guard, all for one tenant, committed
 * atomically by {@link Store#commit}: every part is written or none is.
 *
 * <p>Optimistic by design: reads happen before, and every update or delete names the version it read. That keeps
 * the unit of work a value that every store can apply in one step, including MongoDB without transactions (as one
 * document write carrying its stream records, when the batch writes a single document).
 */
public record WriteBatch(List<Write> writes, List<Append> appends, @Nullable LeaseGuard leaseGuard) {

  public WriteBatch {
    writes = List.copyOf(writes);
    appends = List.copyOf(appends);
    if (writes.isEmpty() && appends.isEmpty()) {
      throw ValidationException.of("batch", "batch.empty", "a write batch must write something");
    }
    // (one write or one append cannot repeat itself: no key strings for the common batch)
    Set<String> keys = new HashSet<>();
    for (Write w : writes.size() < 2 ? List.<Write>of() : writes) {
      if (!keys.add(w.collection() + "/" + w.id())) {
        throw ValidationException.of("batch.writes", "batch.duplicate",
            "a batch writes each document at most once: " + w.collection() + "/" + w.id());
      }
    }
    Set<String> ids = new HashSet<>();
    for (Append a : appends.size() < 2 ? List.<Append>of() : appends) {
      if (!ids.add(a.stream() + "/" + a.id())) {
        throw ValidationException.of("batch.appends", "batch.duplicate",
            "a batch appends each record id at most once: " + a.stream() + "/" + a.id());
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A write of one document. */
  public sealed interface Write permits DocumentWrite, Delete {
    String collection();

    String id();

    /** The document this write leaves: the inserted or updated one; null for a delete. */
    @Nullable Document written();

    /** What the change feed records for this write. */
    Change.Kind kind();

    /** The version the change feed records: the document's new version; for a delete, the version it removes. */
    long version();
  }

  /** An insert or an update: a write that leaves {@link #document()}. */
  public sealed interface DocumentWrite extends Write permits Insert, Update {
    Document document();

    @Override
    default String id() {
      return document().id();
    }

    @Override
    default Document written() {
      return document();
    }

    @Override
    default long version() {
      return document().version();
    }
  }

  /** Creates a document with version 1; fails with {@code DuplicateKeyException} on field {@code id} if it exists. */
  public record Insert(String collection, Document document) implements DocumentWrite {
    public Insert {
      Objects.requireNonNull(collection, "collection");
      if (document.version() != 1) {
        throw ValidationException.of("version", "version.insert", "an inserted document has version 1");
      }
    }

    @Override
    public Change.Kind kind() {
      return Change.Kind.INSERT;
    }
  }

  /**
   * Replaces a document whose stored version is {@code document.version() - 1}; otherwise (or when it is missing)
   * fails with {@code VersionConflictException}.
   */
  public record Update(String collection, Document document) implements DocumentWrite {
    public Update {
      Objects.requireNonNull(collection, "collection");
      if (document.version() < 2) {
        throw ValidationException.of("version", "version.update", "an updated document has version 2 or more");
      }
    }

    public long expectedVersion() {
      return document.version() - 1;
    }

    @Override
    public Change.Kind kind() {
      return Change.Kind.UPDATE;
    }
  }

  /** Removes a document whose stored version is {@code expectedVersion}. */
  public record Delete(String collection, String id, long expectedVersion) implements Write {
    public Delete {
      Objects.requireNonNull(collection, "collection");
      Objects.requireNonNull(id, "id");
    }

    @Override
    public @Nullable Document written() {
      return null;
    }

    @Override
    public Change.Kind kind() {
      return Change.Kind.DELETE;
    }

    @Override
    public long version() {
      return expectedVersion;
    }
  }

  /**
   * A record appended to a stream. {@code id} is unique per stream and tenant: appending an id that is already in
   * the stream fails with {@code DuplicateKeyException} on field {@code id} (which makes re-delivery idempotent).
   */
  public record Append(String stream, String id, String type, ObjectNode payload) {
    public Append {
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /**
   * Commit only while {@code owner} still holds lease {@code name} with this fencing {@code token} (and it has not
   * expired); otherwise the commit fails with {@code VersionConflictException} and writes nothing.
   */
  public record LeaseGuard(String name, String owner, long token) {
    public LeaseGuard {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(owner, "owner");
    }

    public static LeaseGuard of(Lease lease) {
      return new LeaseGuard(lease.name(), lease.owner(), lease.token());
    }
  }

  public static final class Builder {
    private final List<Write> writes = new ArrayList<>();
    private final List<Append> appends = new ArrayList<>();
    private @Nullable LeaseGuard guard;

    private Builder() {}

    public Builder insert(String collection, Document doc) {
      writes.add(new Insert(collection, doc));
      return this;
    }

    public Builder update(String collection, Document doc) {
      writes.add(new Update(collection, doc));
      return this;
    }

    public Builder delete(String collection, String id, long expectedVersion) {
      writes.add(new Delete(collection, id, expectedVersion));
      return this;
    }

    public Builder write(Write w) {
      writes.add(w);
      return this;
    }

    public Builder append(String stream, String id, String type, ObjectNode payload) {
      appends.add(new Append(stream, id, type, payload));
      return this;
    }

    public Builder append(Append a) {
      appends.add(a);
      return this;
    }

    public Builder guardedBy(LeaseGuard leaseGuard) {
      this.guard = leaseGuard;
      return this;
    }

    public boolean isEmpty() {
      return writes.isEmpty() && appends.isEmpty();
    }

    public WriteBatch build() {
      return new WriteBatch(writes, appends, guard);
    }
  }
}
