package dev.rapport.crm.store;

import dev.rapport.crm.error.CapabilityUnsupportedException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.query.Values;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The checks every {@link Store} applies before it touches its database, and the failures it reports when the
 * database answers "no", written once so that every store (the in-memory reference, the JDBC and MongoDB adapters,
 * a third party's) rejects the same input with the same exception, path, rule and message.
 *
 * <h2>What an implementation calls, and where</h2>
 * <ul>
 *   <li>{@link Store#register}: {@link #checkCompatible} with the spec registered before, if any.</li>
 *   <li>Every method naming a collection: {@link #registered} to resolve it (unknown: {@code collection.unknown}).</li>
 *   <li>{@link Store#findUnique}: {@link #checkUniqueLookup}; query it with the value it returns.</li>
 *   <li>{@link Store#query} and {@link Store#count}: see {@link KeysetPaging} and {@link CollectionSpec#check}.</li>
 *   <li>{@link Store#commit}: {@link #checkBatch} first; then, with what the database says,
 *       {@link #checkLeaseGuard} (or {@link #leaseLost}), {@link #versionConflict}, {@link #duplicateDocument},
 *       {@link #duplicateRecord}.</li>
 *   <li>{@link Store#changes} and {@link Store#read}: {@link FeedArguments#check}; {@code read} also
 *       {@link #checkStream}.</li>
 *   <li>{@link Store#purge}: {@link #checkPurge}; delete the positions it returns.</li>
 *   <li>{@link Store#tryAcquire}: {@link #checkLease}, then {@link #leaseExpiry} and {@link #leaseToken}.</li>
 * </ul>
 *
 * <p>The name limits here are chosen for portability (what every adapter can store as a key, a column or a MongoDB
 * collection name), like {@link Document#MAX_ID_LENGTH} and {@link IndexSpec#MAX_STRING_LENGTH}.
 */
public final class StoreChecks {
  /** The longest stream record id, record type, lease name and lease owner. */
  public static final int MAX_NAME_LENGTH = 255;
  /**
   * The most positions one {@link Store#purge} may name: as many as one page of {@link Store#read} holds, so a
   * retention job purges what it read page by page, and a store deletes a bounded amount in one unit of work.
   */
  public static final int MAX_PURGE_POSITIONS = FeedArguments.MAX_LIMIT;
  /** Stream names: 1-64 letters, digits, '_' or '-' (a stream is a MongoDB collection, a SQL counter name). */
  private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");

  private StoreChecks() {}

  // --- names ------------------------------------------------------------------------------------------------------

  /** The registered {@code found} (a spec, or what a store keeps per collection); {@code collection.unknown} if null. */
  public static <T> T registered(String collection, @Nullable T found) {
    Objects.requireNonNull(collection, "collection");
    if (found == null) {
      throw ValidationException.of("collection", "collection.unknown",
          "collection '" + CollectionSpec.safe(collection) + "' is not registered");
    }
    return found;
  }

  /** A new spec for a registered name may only add indexes ({@code collection.indexes.incompatible}). */
  public static void checkCompatible(@Nullable CollectionSpec registered, CollectionSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (registered != null && !spec.indexes().containsAll(registered.indexes())) {
      throw ValidationException.of("collection.indexes", "collection.indexes.incompatible",
          "collection '" + spec.name() + "' is registered with indexes " + registered.indexes()
              + "; a new spec may only add indexes");
    }
  }

  /** Rejects a stream name that is not 1-64 letters, digits, '_' or '-' ({@code stream.name}). */
  public static void checkStream(String stream) {
    if (!STREAM.matcher(Objects.requireNonNull(stream, "stream")).matches()) {
      throw ValidationException.of("stream", "stream.name", "stream names are 1-64 letters, digits, '_' or '-': "
          + CollectionSpec.safe(stream));
    }
  }

  private static void checkLength(String path, String value, int max) {
    if (value.isEmpty() || value.length() > max) {
      throw ValidationException.of(path, "length", path + " must be 1-" + max + " characters");
    }
  }

  // --- streams ----------------------------------------------------------------------------------------------------

  /**
   * Checks the arguments of {@link Store#purge}: a valid stream name ({@link #checkStream}), no null position
   * ({@code NullPointerException}, like a null argument), at most {@value #MAX_PURGE_POSITIONS} positions
   * ({@code positions.size}), each of them positive ({@code position.range}). Returns them distinct and ascending,
   * which is what the store deletes (in that order, so two purges lock rows in the same order).
   */
  public static List<Long> checkPurge(String stream, Collection<Long> positions) {
    checkStream(stream);
    Objects.requireNonNull(positions, "positions");
    if (positions.size() > MAX_PURGE_POSITIONS) {
      throw ValidationException.of("positions", "positions.size",
          "a purge names at most " + MAX_PURGE_POSITIONS + " positions, not " + positions.size());
    }
    TreeSet<Long> distinct = new TreeSet<>();
    for (Long p : positions) {
      if (Objects.requireNonNull(p, "positions") < 1) {
        throw ValidationException.of("positions", "position.range", "positions start at 1: " + p);
      }
      distinct.add(p);
    }
    return List.copyOf(distinct);
  }

  // --- reads ------------------------------------------------------------------------------------------------------

  /**
   * Checks the arguments of {@link Store#findUnique}: {@code field} must be a unique index of {@code spec}
   * ({@code index.notUnique}) and {@code value} of its type ({@code index.type}). Returns the value normalised
   * ({@link Values#normalize}), which is what the store looks up.
   */
  public static Object checkUniqueLookup(CollectionSpec spec, String field, Object value) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    Object v = Values.normalize(field, value);
    IndexSpec index = spec.index(field).filter(IndexSpec::unique).orElseThrow(() -> ValidationException.of(
        "field", "index.notUnique",
        "collection '" + spec.name() + "' has no unique index '" + CollectionSpec.safe(field) + "'"));
    if (!index.type().accepts(v)) {
      throw ValidationException.of("value", "index.type",
          "field '" + field + "' holds " + index.type() + " values, not " + v.getClass().getSimpleName());
    }
    return v;
  }

  // --- commits ----------------------------------------------------------------------------------------------------

  /**
   * Everything about a batch that is known without reading the database, in this order: each written collection is
   * registered ({@link #registered}) and each written document's index values fit its spec
   * ({@link CollectionSpec#check(Document)}); each append names a valid stream ({@link #checkStream}) with an id and
   * type of 1-{@value #MAX_NAME_LENGTH} characters ({@code length} on {@code appends.id}, {@code appends.type}); a
   * store without {@link Capability#MULTI_DOCUMENT_TRANSACTIONS} writes one document
   * ({@code CapabilityUnsupportedException}); no two documents of the batch claim one unique value
   * ({@code DuplicateKeyException} naming the index).
   *
   * @param specs the registered spec of a collection name, or null when it is not registered
   */
  public static void checkBatch(WriteBatch batch, Function<String, @Nullable CollectionSpec> specs,
      Set<Capability> capabilities) {
    Objects.requireNonNull(batch, "batch");
    for (WriteBatch.Write w : batch.writes()) {
      CollectionSpec spec = registered(w.collection(), specs.apply(w.collection()));
      Document doc = w.written();
      if (doc != null) {
        spec.check(doc);
      }
    }
    for (WriteBatch.Append a : batch.appends()) {
      checkStream(a.stream());
      checkLength("appends.id", a.id(), MAX_NAME_LENGTH);
      checkLength("appends.type", a.type(), MAX_NAME_LENGTH);
    }
    if (batch.writes().size() > 1 && !capabilities.contains(Capability.MULTI_DOCUMENT_TRANSACTIONS)) {
      throw new CapabilityUnsupportedException("this store writes one document per batch; the batch writes "
          + batch.writes().size() + " (capability " + Capability.MULTI_DOCUMENT_TRANSACTIONS + " is not supported)");
    }
    // Two documents of one batch claiming one unique value: known without asking the database.
    Map<List<Object>, String> claims = new HashMap<>();
    for (WriteBatch.Write w : batch.writes()) {
      Document doc = w.written();
      if (doc == null) {
        continue;
      }
      for (IndexSpec index : registered(w.collection(), specs.apply(w.collection())).indexes()) {
        if (index.unique()) {
          // index values are normalised (Document), so equal decimals are equal objects here
          for (Object v : doc.values(index.name())) {
            String other = claims.putIfAbsent(List.of(w.collection(), index.name(), v), doc.id());
            if (other != null && !other.equals(doc.id())) {
              throw new DuplicateKeyException(w.collection(), index.name());
            }
          }
        }
      }
    }
  }

  /**
   * Everything about a {@link Store#reindex} known without reading the database: each document's index values fit
   * {@code spec} ({@link CollectionSpec#check(Document)}) and no two documents of the list claim one unique value
   * ({@code DuplicateKeyException} naming the index).
   */
  public static void checkReindex(CollectionSpec spec, List<Document> documents) {
    Objects.requireNonNull(documents, "documents");
    Map<List<Object>, String> claims = new HashMap<>();
    for (Document doc : documents) {
      spec.check(doc);
      for (IndexSpec index : spec.indexes()) {
        for (Object v : index.unique() ? doc.values(index.name()) : List.of()) {
          String other = claims.putIfAbsent(List.of(index.name(), v), doc.id());
          if (other != null && !other.equals(doc.id())) {
            throw new DuplicateKeyException(spec.name(), index.name());
          }
        }
      }
    }
  }

  /**
   * An update or delete found another version, or no document ({@code stored} null). Also an update whose document
   * is missing: someone deleted it.
   */
  public static VersionConflictException versionConflict(WriteBatch.Write w, long expected, @Nullable Long stored) {
    return new VersionConflictException(w.collection() + "/" + w.id() + ": expected version " + expected
        + (stored == null ? " but the document does not exist" : " but the stored version is " + stored));
  }

  /** An insert of an id the collection already holds in the tenant: {@code DuplicateKeyException} on {@code id}. */
  public static DuplicateKeyException duplicateDocument(String collection, String id) {
    return new DuplicateKeyException(collection, "id",
        "document '" + id + "' already exists in collection '" + collection + "'");
  }

  /** An append of a record id the stream already holds in the tenant: {@code DuplicateKeyException} on {@code id}. */
  public static DuplicateKeyException duplicateRecord(String stream, String id) {
    return new DuplicateKeyException(stream, "id", "record '" + id + "' is already in stream '" + stream + "'");
  }

  // --- leases -----------------------------------------------------------------------------------------------------

  /**
   * The arguments of {@link Store#tryAcquire}: a positive {@code ttl} ({@code lease.ttl}), a name and an owner of
   * 1-{@value #MAX_NAME_LENGTH} characters ({@code length}).
   */
  public static void checkLease(String name, String owner, Duration ttl) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw ValidationException.of("ttl", "lease.ttl", "a lease lasts a positive duration");
    }
    checkLength("name", name, MAX_NAME_LENGTH);
    checkLength("owner", owner, MAX_NAME_LENGTH);
  }

  /** When a lease granted at {@code now} for {@code ttl} expires: millisecond precision, like every stored time. */
  public static Instant leaseExpiry(Instant now, Duration ttl) {
    return now.plus(ttl).truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * The fencing token {@code owner} is granted at {@code now}, or empty when another owner holds the lease: the
   * holder renewing keeps its token (expired or not, as long as nobody took it over); a free, released or expired
   * lease goes to {@code lastToken + 1}.
   *
   * @param held the lease as it stands (null: never held, or released)
   * @param lastToken the last token handed out for this lease (0 if none)
   */
  public static OptionalLong leaseToken(@Nullable Lease held, long lastToken, String owner, Instant now) {
    if (held != null && held.owner().equals(owner)) {
      return OptionalLong.of(held.token());
    }
    if (held == null || !now.isBefore(held.expiresAt())) {
      return OptionalLong.of(lastToken + 1);
    }
    return OptionalLong.empty();
  }

  /** Fails with {@link #leaseLost} unless {@code held} is the guard's owner and token and has not expired at {@code now}. */
  public static void checkLeaseGuard(WriteBatch.LeaseGuard guard, @Nullable Lease held, Instant now) {
    if (held == null || !held.owner().equals(guard.owner()) || held.token() != guard.token()
        || !now.isBefore(held.expiresAt())) {
      throw leaseLost(guard);
    }
  }

  /** A guarded commit whose lease is no longer held with the guard's token: nothing was written. */
  public static VersionConflictException leaseLost(WriteBatch.LeaseGuard guard) {
    return new VersionConflictException("lease '" + guard.name() + "' is no longer held by '"
        + guard.owner() + "' with token " + guard.token());
  }
}
