package dev.rapport.crm.notify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.TextRules;
import dev.rapport.crm.store.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Delivers the {@link Outbox#STREAM outbox} of a tenant to one {@link Notifier}, after commit, at least once and in
 * stream order (ARCHITECTURE §2 step 6). Build one relay per notifier; it starts no threads: the host calls
 * {@link #runOnce} from its own scheduler (or schedules {@link #asTask}).
 *
 * <pre>{@code
 * OutboxRelay relay = OutboxRelay.builder()
 *     .store(store).notifier(WebhookNotifier.to(uri, secret))
 *     .owner(nodeId).clock(clock).build();
 * scheduler.scheduleWithFixedDelay(relay.asTask(tenantDirectory::activeTenants), 1, 1, TimeUnit.SECONDS);
 * }</pre>
 *
 * <h2>How a run works</h2>
 * <ol>
 *   <li>Takes the lease {@code "outbox-relay:" + notifier.name()} for the tenant; if another node holds it the run
 *       does nothing ({@link RelayResult#leaseHeldElsewhere()}). The lease is <em>not</em> released at the end of a
 *       run but kept until its ttl runs out and renewed by the next run: the same node keeps the work, with fewer
 *       hand-overs and fewer lease writes; a node that dies is replaced after at most one ttl.</li>
 *   <li>Reads the stream after the notifier's cursor ({@link Outbox#RELAY_STATE}) and delivers event by event. After
 *       each delivery the cursor is committed, guarded by the lease's fencing token, so a crash redelivers at most
 *       the one event whose delivery was not yet recorded, with the same event id.</li>
 *   <li>A failed delivery records the attempt count and the next attempt time ({@link RetryPolicy}, computed with
 *       the {@link Clock}) and ends the run, so later events never overtake an earlier one. Runs before that time
 *       do nothing.</li>
 *   <li>When the attempts reach {@link RetryPolicy#maxAttempts()}, the event goes to {@link Outbox#DEAD_LETTERS}
 *       and delivery moves past it; {@link #redeliver} retries it later on demand.</li>
 * </ol>
 * If the lease is lost during a run (ttl exceeded, taken over), the next cursor write is refused and the run stops;
 * the new holder redelivers from the last recorded position.
 *
 * <p>Thread-safe; runs for different tenants may go in parallel.
 */
public final class OutboxRelay {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int MAX_ERROR_LENGTH = 1000;

  private final Store store;
  private final Notifier notifier;
  private final String notifierName;
  private final RetryPolicy retryPolicy;
  private final Clock clock;
  private final String owner;
  private final Duration leaseTtl;
  private final int batchSize;
  private final String leaseName;

  private OutboxRelay(Builder b) {
    this.store = Objects.requireNonNull(b.store, "store");
    this.notifier = Objects.requireNonNull(b.notifier, "notifier");
    this.notifierName = Notifier.checkName(notifier.name());
    this.retryPolicy = b.retryPolicy;
    this.clock = b.clock;
    this.owner = b.owner;
    this.leaseTtl = b.leaseTtl;
    this.batchSize = b.batchSize;
    this.leaseName = "outbox-relay:" + notifierName;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The notifier this relay delivers to. */
  public Notifier notifier() {
    return notifier;
  }

  /** The lease that makes this relay the only one delivering to its notifier in a tenant. */
  public String leaseName() {
    return leaseName;
  }

  /**
   * When the event at the head of the line in {@code tenant} is due for its next attempt after a failure, if it
   * waits for one: a scheduler runs the relay again then.
   */
  public Optional<Instant> nextAttemptAt(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    return Optional.ofNullable(RelayState.load(store, tenant, notifierName).nextAttemptAt());
  }

  /** How long this relay's lease lasts: a run that found it held elsewhere may try again after this long. */
  public Duration leaseTtl() {
    return leaseTtl;
  }

  /**
   * Delivers what is due in {@code tenant}: everything after the cursor, unless the head-of-line event is waiting
   * for its next attempt. Notifier failures are counted, not thrown; store failures propagate (nothing is lost:
   * the next run starts from the last recorded position).
   */
  public RelayResult runOnce(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    String previous = MDC.get("tenant");
    MDC.put("tenant", tenant.value());
    try {
      return new Run(tenant).execute();
    } finally {
      if (previous == null) {
        MDC.remove("tenant");
      } else {
        MDC.put("tenant", previous);
      }
    }
  }

  /**
   * A task for the host's scheduler: one {@link #runOnce} per tenant the supplier names at each execution. A
   * failure in one tenant is logged and does not stop the others (nor, on a {@code ScheduledExecutorService},
   * the schedule).
   */
  public Runnable asTask(Supplier<? extends Collection<TenantId>> tenants) {
    Objects.requireNonNull(tenants, "tenants");
    return () -> {
      for (TenantId tenant : tenants.get()) {
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        try {
          runOnce(tenant);
        } catch (RuntimeException e) {
          log.warn("outbox relay '{}' failed for tenant {}", notifierName, tenant, e);
        }
      }
    };
  }

  /**
   * Tries a dead-lettered event once more, now, whatever its backoff. On success the dead letter is removed and
   * true returned; on failure its attempt count, error and time are updated and false returned.
   *
   * @throws NotFoundException if this notifier has no dead letter for {@code eventId} in the tenant
   * @throws ValidationException if the dead letter holds an unreadable record
   */
  public boolean redeliver(TenantId tenant, String eventId) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(eventId, "eventId");
    String id = deadLetterId(eventId);
    Document doc = (id.length() > Document.MAX_ID_LENGTH ? Optional.<Document>empty()
        : store.get(tenant, Outbox.DEAD_LETTERS.name(), id))
        .orElseThrow(() -> new NotFoundException("no dead letter for event " + eventId + " and notifier " + notifierName));
    DeadLetter letter = toDeadLetter(doc);
    Event event = letter.event();
    try {
      notifier.deliver(event);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      ObjectNode body = doc.body().deepCopy();
      body.put("attempts", letter.attempts() + 1);
      body.put("lastError", describe(e));
      Instant now = clock.instant();
      body.put("failedAt", now.toString());
      commitIgnoringConflict(tenant, WriteBatch.builder()
          .update(Outbox.DEAD_LETTERS.name(), new Document(id, doc.version() + 1, body, deadLetterIndex(event.id(),
              event.type(), now))).build());
      log.warn("redelivery of dead-lettered event {} to '{}' failed: {}", eventId, notifierName, describe(e));
      return false;
    }
    commitIgnoringConflict(tenant, WriteBatch.builder()
        .delete(Outbox.DEAD_LETTERS.name(), id, doc.version()).build());
    log.info("redelivered dead-lettered event {} to '{}'", eventId, notifierName);
    return true;
  }

  /** This notifier's dead letters in the tenant, oldest failure first, at most {@code limit} (1-1000). */
  public List<DeadLetter> deadLetters(TenantId tenant, int limit) {
    Objects.requireNonNull(tenant, "tenant");
    Query q = Query.of(Criteria.eq("notifier", notifierName), Sort.asc("failedAt"), limit);
    return store.query(tenant, Outbox.DEAD_LETTERS.name(), q).items().stream().map(OutboxRelay::toDeadLetter)
        .toList();
  }

  private String deadLetterId(String eventId) {
    return notifierName + ":" + eventId;
  }

  private void commitIgnoringConflict(TenantId tenant, WriteBatch batch) {
    try {
      store.commit(tenant, batch);
    } catch (VersionConflictException e) {
      // Someone redelivered or updated the same dead letter at the same time; theirs stands.
      log.debug("dead letter changed concurrently: {}", e.getMessage());
    }
  }

  private static DeadLetter toDeadLetter(Document d) {
    ObjectNode b = d.body();
    return new DeadLetter(b.path("notifier").asText(), b.path("eventId").asText(), b.path("type").asText(),
        b.path("event") instanceof ObjectNode e ? e : JsonNodeFactory.instance.objectNode(),
        b.path("attempts").asInt(), b.path("lastError").asText(), Instant.parse(b.path("failedAt").asText()));
  }

  private Map<String, List<Object>> deadLetterIndex(String eventId, String type, Instant failedAt) {
    return Document.indexValues()
        .put("notifier", notifierName)
        .put("eventId", eventId)
        .put("type", TextRules.sanitized(type, IndexSpec.MAX_STRING_LENGTH))
        .put("failedAt", failedAt)
        .build();
  }

  static String describe(Throwable t) {
    String m = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    String kept = TextRules.sanitized(m, MAX_ERROR_LENGTH);
    return kept.length() < m.length() ? kept + "..." : kept;
  }

  /** One run for one tenant: the lease, the cursor state and the counts, changing as it goes. */
  private final class Run {
    private final TenantId tenant;
    private Lease lease;
    private RelayState state;
    private int delivered;
    private int deadLettered;

    Run(TenantId tenant) {
      this.tenant = tenant;
      this.lease = new Lease(leaseName, owner, 0, Instant.EPOCH);
      this.state = new RelayState(notifierName, 0, 0, 0, null, null);
    }

    RelayResult execute() {
      Optional<Lease> acquired = store.tryAcquire(tenant, leaseName, owner, leaseTtl);
      if (acquired.isEmpty()) {
        log.debug("outbox relay '{}': lease held by another node", notifierName);
        return RelayResult.HELD_ELSEWHERE;
      }
      lease = acquired.get();
      state = RelayState.load(store, tenant, notifierName);
      Instant retryAt = state.nextAttemptAt();
      if (retryAt != null && clock.instant().isBefore(retryAt)) {
        return result(0);
      }
      while (true) {
        List<StreamRecord> records = store.read(tenant, Outbox.STREAM, state.position(), batchSize);
        if (records.isEmpty()) {
          return result(0);
        }
        for (StreamRecord r : records) {
          Step step = process(r);
          if (step == Step.FAILED) {
            return result(1);
          }
          if (step == Step.STOP) {
            return result(0);
          }
        }
      }
    }

    private RelayResult result(int failed) {
      return new RelayResult(delivered, failed, deadLettered, false);
    }

    private Step process(StreamRecord r) {
      if (!renewLeaseIfDue()) {
        return Step.STOP;
      }
      Event event;
      try {
        event = Event.fromJson(r.payload());
      } catch (RuntimeException e) {
        // Parsing is deterministic: retrying an unreadable record cannot help, so it is dead-lettered at once.
        log.error("outbox record {} at position {} is unreadable; dead-lettering it", r.id(), r.position(), e);
        return deadLetter(r, r.type(), state.attempts(), "unreadable outbox record: " + describe(e));
      }
      String previousCorrelation = MDC.get("correlationId");
      if (event.correlationId() != null) {
        MDC.put("correlationId", event.correlationId());
      }
      try {
        notifier.deliver(event);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.info("outbox relay '{}' interrupted before event {} was delivered", notifierName, event.id());
        return Step.STOP;
      } catch (Exception e) {
        return failed(r, event, e);
      } finally {
        if (previousCorrelation == null) {
          MDC.remove("correlationId");
        } else {
          MDC.put("correlationId", previousCorrelation);
        }
      }
      if (!persist(state.advancedTo(r.position()), WriteBatch.builder())) {
        return Step.STOP;
      }
      delivered++;
      return Step.NEXT;
    }

    private Step failed(StreamRecord r, Event event, Exception e) {
      int attempts = state.attempts() + 1;
      String error = describe(e);
      if (attempts >= retryPolicy.maxAttempts()) {
        log.error("event {} ({}) failed {} times for '{}', dead-lettering it: {}", event.id(), event.type(), attempts,
            notifierName, error);
        return deadLetter(r, event.type(), attempts, error);
      }
      Instant retryAt = clock.instant().plus(retryPolicy.backoffAfter(attempts));
      log.warn("event {} ({}) failed for '{}' (attempt {} of {}), next attempt at {}: {}", event.id(), event.type(),
          notifierName, attempts, retryPolicy.maxAttempts(), retryAt, error);
      if (!persist(state.failed(attempts, retryAt, error), WriteBatch.builder())) {
        return Step.STOP;
      }
      return Step.FAILED;
    }

    private Step deadLetter(StreamRecord r, String type, int attempts, String error) {
      Instant now = clock.instant();
      String id = deadLetterId(r.id());
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.put("notifier", notifierName);
      body.put("eventId", r.id());
      body.put("type", type);
      body.put("position", r.position());
      body.put("attempts", attempts);
      body.put("lastError", error);
      body.put("failedAt", now.toString());
      body.set("event", r.payload().deepCopy());
      // An earlier run may have written this dead letter and crashed before moving the cursor: overwrite it.
      Optional<Document> existing = store.get(tenant, Outbox.DEAD_LETTERS.name(), id);
      Document doc = new Document(id, existing.map(d -> d.version() + 1).orElse(1L), body,
          deadLetterIndex(r.id(), type, now));
      WriteBatch.Builder batch = WriteBatch.builder();
      if (existing.isPresent()) {
        batch.update(Outbox.DEAD_LETTERS.name(), doc);
      } else {
        batch.insert(Outbox.DEAD_LETTERS.name(), doc);
      }
      if (!store.supports(Capability.MULTI_DOCUMENT_TRANSACTIONS)) {
        // One document per commit: the dead letter first, so a crash in between repeats it rather than losing it.
        if (!commitGuarded(batch)) {
          return Step.STOP;
        }
        batch = WriteBatch.builder();
      }
      if (!persist(state.advancedTo(r.position()), batch)) {
        return Step.STOP;
      }
      deadLettered++;
      return Step.NEXT;
    }

    /** Commits {@code next} (with whatever {@code batch} holds already) under the lease; false if the lease is lost. */
    private boolean persist(RelayState next, WriteBatch.Builder batch) {
      next.writeTo(batch, clock.instant());
      if (!commitGuarded(batch)) {
        return false;
      }
      state = next;
      return true;
    }

    private boolean commitGuarded(WriteBatch.Builder batch) {
      try {
        store.commit(tenant, batch.guardedBy(WriteBatch.LeaseGuard.of(lease)).build());
        return true;
      } catch (VersionConflictException e) {
        log.warn("outbox relay '{}' lost its lease or cursor to another node; stopping this run: {}", notifierName,
            e.getMessage());
        return false;
      }
    }

    /** Renews the lease once half its ttl has passed, so a long run keeps it; false if it went to another node. */
    private boolean renewLeaseIfDue() {
      if (clock.instant().isBefore(lease.expiresAt().minus(leaseTtl.dividedBy(2)))) {
        return true;
      }
      Optional<Lease> renewed = store.tryAcquire(tenant, leaseName, owner, leaseTtl);
      if (renewed.isEmpty()) {
        log.warn("outbox relay '{}' lost its lease to another node; stopping this run", notifierName);
        return false;
      }
      lease = renewed.get();
      return true;
    }
  }

  private enum Step {
    NEXT, FAILED, STOP
  }

  /**
   * Builds an {@link OutboxRelay}; {@code store} and {@code notifier} are required, every setter rejects a bad
   * value at once.
   */
  public static final class Builder {
    private @Nullable Store store;
    private @Nullable Notifier notifier;
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private Clock clock = Clock.systemUTC();
    private String owner = "relay-" + UUID.randomUUID();
    private Duration leaseTtl = Duration.ofSeconds(30);
    private int batchSize = 100;

    private Builder() {}

    public Builder store(Store value) {
      this.store = Objects.requireNonNull(value, "store");
      return this;
    }

    /** The notifier to deliver to; its {@link Notifier#name()} must match {@link Notifier#NAME}. */
    public Builder notifier(Notifier value) {
      Objects.requireNonNull(value, "notifier");
      Notifier.checkName(value.name());
      this.notifier = value;
      return this;
    }

    /** Defaults to {@link RetryPolicy#ofDefaults()}. */
    public Builder retryPolicy(RetryPolicy value) {
      this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
      return this;
    }

    /** For backoff times and lease renewal; defaults to {@link Clock#systemUTC()}. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** This node's identity in the lease (1-100 characters); defaults to a random id per relay. */
    public Builder owner(String value) {
      Objects.requireNonNull(value, "owner");
      if (value.isBlank() || value.length() > 100) {
        throw ValidationException.of("owner", "relay.owner.length", "owner must be 1-100 non-blank characters");
      }
      this.owner = value;
      return this;
    }

    /**
     * How long the lease lasts without renewal (default 30s): the longest a dead node blocks delivery. Keep it well
     * above the notifier's own timeout.
     */
    public Builder leaseTtl(Duration value) {
      Objects.requireNonNull(value, "leaseTtl");
      if (value.compareTo(Duration.ofSeconds(1)) < 0) {
        throw ValidationException.of("leaseTtl", "relay.leaseTtl.min", "leaseTtl must be at least 1 second");
      }
      this.leaseTtl = value;
      return this;
    }

    /** How many outbox records one store read fetches (1-1000, default 100). */
    public Builder batchSize(int value) {
      if (value < 1 || value > 1000) {
        throw ValidationException.of("batchSize", "relay.batchSize.range", "batchSize must be between 1 and 1000");
      }
      this.batchSize = value;
      return this;
    }

    public OutboxRelay build() {
      if (store == null) {
        throw ValidationException.of("store", "relay.store.required", "OutboxRelay needs a store: call .store(...)");
      }
      if (notifier == null) {
        throw ValidationException.of("notifier", "relay.notifier.required",
            "OutboxRelay needs a notifier: call .notifier(...)");
      }
      return new OutboxRelay(this);
    }
  }
}
