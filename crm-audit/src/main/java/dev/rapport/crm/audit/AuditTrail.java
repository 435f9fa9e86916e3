package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.module.CrmModule;
import dev.rapport.crm.module.ModuleContext;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditEntry;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.TextRules;
import dev.rapport.crm.store.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tamper-evident audit trail: core's {@link AuditRecorder}, and a {@link CrmModule} keeping the chain's blocks.
 *
 * <pre>{@code
 * AuditTrail audit = AuditTrail.hashChained();           // or AuditTrail.builder().witness(...).build()
 * Crm crm = Crm.builder().store(store).accessPolicy(policy).audit(audit).build();
 * ...
 * audit.sealPending();                                    // on the host's scheduler, every few seconds
 * Verification v = audit.verify(TenantId.of("acme"));    // v.intact(), v.firstProblem()
 * }</pre>
 *
 * <p><b>Writing.</b> Every entry becomes one record on stream {@value #STREAM}, written by the command path in the
 * command's own commit: who (actor, on-behalf-of, approver), when, the action and command, the record's type, id and
 * version, its field-level changes (old → new, lists with the elements added and removed), the reason, the
 * correlation id, the access rules that decided and the outcome. Each record carries the SHA-256 of its own content
 * ({@code hash}), so that writing needs no lock and no read of the chain.
 *
 * <p><b>Sealing.</b> {@link #seal} links the records in stream-position order (the order every reader sees) into a
 * hash chain, in blocks of at most {@link Builder#blockSize} records. A block is a document of collection
 * {@value #BLOCKS} with the positions, ids and content hashes it seals, the head before and after it and the running
 * count; it is a checkpoint, handed to the {@link CheckpointWitness}. One sealer per tenant at a time holds the
 * kernel lease {@value #LEASE}; the block's id is its sequence number, so two sealers that raced past the lease (a
 * store checking the lease apart from the write) still cannot fork the chain: the second insert of a block id fails.
 *
 * <p><b>Verifying.</b> {@link #verify} walks the stream and the blocks together and names the first record that was
 * altered, removed, inserted, reordered or truncated away, and compares the chain with the witness's newest
 * checkpoint.
 *
 * <p><b>History, erasure, retention.</b> {@link #history}, {@link #versions}, {@link #stateAsOf} and {@link #diff}
 * read the trail back; {@link #revert} makes an earlier version the new one through the command path. With
 * {@link Builder#erasure} the personal values of records about a data subject are encrypted with the subject's key,
 * and {@link #erase} destroys it; {@link #exportSubject} is the subject access export. With {@link Builder#retain},
 * {@link #purgeExpired} deletes sealed records past their kind's period, which {@link #verify} accepts.
 */
public final class AuditTrail implements AuditRecorder, CrmModule {
  /** The stream the records are appended to. */
  public static final String STREAM = "audit";
  /** The collection holding the chain's blocks. */
  public static final String BLOCKS = "audit_blocks";
  /** The kernel lease the sealer of a tenant holds. */
  public static final String LEASE = "audit.sealer";
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** The collection indexing sealed records for {@link #history}: one document per record. */
  public static final String INDEX = "audit_index";
  private static final CollectionSpec BLOCK_SPEC = CollectionSpec.of(BLOCKS, IndexSpec.unique("seq", IndexType.LONG));
  private static final CollectionSpec INDEX_SPEC = new CollectionSpec(INDEX, List.of(
      IndexSpec.unique("pos", IndexType.LONG), IndexSpec.single("resource", IndexType.STRING),
      IndexSpec.single("actor", IndexType.STRING), IndexSpec.single("action", IndexType.STRING),
      IndexSpec.single("kind", IndexType.STRING), IndexSpec.single("at", IndexType.INSTANT),
      IndexSpec.multi("fields", IndexType.STRING), IndexSpec.single("subject", IndexType.STRING)),
      dev.rapport.crm.store.IndexSet.of("kind", "at", "fields")
          .with(dev.rapport.crm.store.CompositeIndex.of("auditResourcePos", Sort.asc("resource").thenAsc("pos")))
          .with(dev.rapport.crm.store.CompositeIndex.of("auditActorPos", Sort.asc("actor").thenAsc("pos")))
          .with(dev.rapport.crm.store.CompositeIndex.of("auditActionPos", Sort.asc("action").thenAsc("pos")))
          .with(dev.rapport.crm.store.CompositeIndex.of("auditSubjectPos", Sort.asc("subject").thenAsc("pos"))));
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  /** The kinds of record the trail writes. */
  static final List<String> KINDS = List.of("change", "denied", "read", "security", "erasure", "retention");
  /** How many stream records or index entries one read takes. */
  static final int READ_BATCH = 500;

  private final int blockSize;
  private final Duration leaseTtl;
  private final CheckpointWitness witness;
  private final Set<String> viewsRecorded;
  /** Resource type → the sensitive field paths whose views are recorded. */
  private final Map<String, List<String>> sensitiveFields;
  private final @Nullable KeyVault vault;
  private final Retainer retainer;
  private final Sealer sealer;
  private final Verifier verifier;
  /** Per tenant, the last block whose expirable records were all purged by this node. */
  private final Map<TenantId, Long> purgedThrough = new ConcurrentHashMap<>();
  private volatile @Nullable ModuleContext context;
  /** Tenants with records committed through this node since their last complete seal. */
  private final Set<TenantId> pending = ConcurrentHashMap.newKeySet();

  private AuditTrail(Builder b) {
    this.blockSize = b.blockSize;
    this.leaseTtl = b.leaseTtl;
    this.witness = b.witness;
    this.viewsRecorded = Set.copyOf(b.viewsRecorded);
    Map<String, List<String>> sensitive = new java.util.TreeMap<>();
    b.sensitiveFields.forEach((type, fields) -> sensitive.put(type, List.copyOf(fields)));
    this.sensitiveFields = Map.copyOf(sensitive);
    this.vault = b.vault;
    this.retainer = new Retainer(b.retention, blockSize, leaseTtl);
    this.sealer = new Sealer(witness, blockSize, leaseTtl);
    this.verifier = new Verifier(witness, retainer::expired);
  }

  /** A trail with the defaults: blocks of 1,000 records, a 30-second lease, no witness. */
  public static AuditTrail hashChained() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of an {@link AuditTrail}. */
  public static final class Builder {
    private int blockSize = 1000;
    private Duration leaseTtl = Duration.ofSeconds(30);
    private CheckpointWitness witness = CheckpointWitness.none();
    private final Set<String> viewsRecorded = new java.util.TreeSet<>();
    private @Nullable KeyVault vault;
    private final Map<String, Set<String>> sensitiveFields = new java.util.TreeMap<>();
    private final Map<String, Duration> retention = new java.util.TreeMap<>();

    private Builder() {}


    /**
     * Also records reads ({@code VIEW}: single reads, pages, counts) of these resource types ({@code customer},
     * {@code interaction}, {@code case}): one record per call, naming the records returned. Exports are always
     * recorded; other reads are not, unless named here (each recorded read is a write).
     */
    public Builder recordReadsOf(String... resourceTypes) {
      for (String t : resourceTypes) {
        viewsRecorded.add(Objects.requireNonNull(t, "resourceType"));
      }
      return this;
    }

    /** The most records a block seals (1 to 10,000; default 1,000): a checkpoint every that many records at most. */
    public Builder blockSize(int records) {
      if (records < 1 || records > 10_000) {
        throw dev.rapport.crm.error.ValidationException.of("audit.blockSize", "audit.blockSize.range",
            "blockSize must be 1-10000: " + records);
      }
      this.blockSize = records;
      return this;
    }

    /** How long a sealer's lease lasts unless renewed (default 30 s): how soon another node takes over. */
    public Builder leaseTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "leaseTtl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw dev.rapport.crm.error.ValidationException.of("audit.leaseTtl", "audit.leaseTtl.positive",
            "leaseTtl must be positive: " + ttl);
      }
      this.leaseTtl = ttl;
      return this;
    }

    /** Where checkpoints go besides the database (default: nowhere). */
    public Builder witness(CheckpointWitness value) {
      this.witness = Objects.requireNonNull(value, "witness");
      return this;
    }

    /**
     * Records the views of records of {@code resourceType} that show one of {@code fieldPaths} in clear (readable and
     * not masked for the reader): a single read or a page of any size writes one record, of kind {@code read}, whose
     * {@code sensitiveFields} name the fields shown. Reads that show none of them (the fields hidden or masked by the
     * access policy, a count) are not recorded. Checked against the type's field catalog when the {@code Crm}
     * starts. Exports are always recorded; {@link #recordReadsOf} records every view of a type.
     */
    public Builder recordReadsOfFields(String resourceType, String... fieldPaths) {
      Objects.requireNonNull(resourceType, "resourceType");
      if (fieldPaths.length == 0) {
        throw dev.rapport.crm.error.ValidationException.of("audit.recordReadsOfFields", "audit.fields.empty",
            "name at least one field of '" + resourceType + "' whose reads to record");
      }
      Set<String> into = sensitiveFields.computeIfAbsent(resourceType, t -> new java.util.TreeSet<>());
      for (String f : fieldPaths) {
        into.add(Objects.requireNonNull(f, "fieldPath"));
      }
      return this;
    }

    /**
     * Encrypts the personal values of every record about a data subject (the old and new values of its changes and
     * the reason) with the subject's own key from {@code keyVault}, so that {@link AuditTrail#erase} can make them
     * unreadable (crypto-shredding) while the chain still verifies. Field names, who, when and what kind stay
     * readable. {@code KeyVault.stored(masterKey)} keeps the keys in the store, wrapped by a master key the host
     * holds.
     */
    public Builder erasure(KeyVault keyVault) {
      this.vault = Objects.requireNonNull(keyVault, "keyVault");
      return this;
    }

    /**
     * Keeps records of {@code kind} ({@code change}, {@code denied}, {@code read}, {@code security},
     * {@code erasure}, {@code retention}) for {@code period} after their time: {@link AuditTrail#purgeExpired}
     * deletes them once the chain has sealed them, and {@link AuditTrail#verify} accepts a sealed record missing
     * only when the chain shows it was of such a kind and expired. Kinds not named are kept for good.
     */
    public Builder retain(String kind, Duration period) {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(period, "period");
      if (!KINDS.contains(kind)) {
        throw dev.rapport.crm.error.ValidationException.of("audit.retain", "audit.kind.unknown",
            "no record kind '" + kind + "'; kinds: " + KINDS);
      }
      if (period.isNegative() || period.isZero()) {
        throw dev.rapport.crm.error.ValidationException.of("audit.retain", "audit.retention.positive",
            "a retention period must be positive: " + period);
      }
      retention.put(kind, period);
      return this;
    }

    public AuditTrail build() {
      return new AuditTrail(this);
    }
  }

  // ---- module ------------------------------------------------------------------------------------------------------

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public List<CollectionSpec> collections() {
    List<CollectionSpec> all = new ArrayList<>(List.of(BLOCK_SPEC, INDEX_SPEC));
    if (vault != null) {
      all.addAll(vault.collections());
    }
    return List.copyOf(all);
  }

  @Override
  public void start(ModuleContext value) {
    for (String type : viewsRecorded) {
      knownType(value, "audit.recordReadsOf", type);
    }
    sensitiveFields.forEach((type, fields) -> {
      dev.rapport.crm.access.ResourceType rt = knownType(value, "audit.recordReadsOfFields", type);
      for (String f : fields) {
        if (rt.fields().field(f).isEmpty()) {
          throw dev.rapport.crm.error.ValidationException.of("audit.recordReadsOfFields", "audit.field.unknown",
              "'" + type + "' has no field '" + f + "' to record reads of; its fields: "
                  + rt.fields().fields().stream().map(x -> x.path()).toList());
        }
      }
    });
    if (vault != null) {
      vault.start(value.store());
    }
    this.context = value;
  }

  private static dev.rapport.crm.access.ResourceType knownType(ModuleContext c, String setting, String type) {
    dev.rapport.crm.access.ResourceType rt = c.resourceTypes().get(type);
    if (rt == null) {
      throw dev.rapport.crm.error.ValidationException.of(setting, "audit.resourceType.unknown",
          "no resource type '" + type + "' to record reads of; known: " + new java.util.TreeSet<>(
              c.resourceTypes().keySet()));
    }
    return rt;
  }

  private ModuleContext context() {
    ModuleContext c = context;
    if (c == null) {
      throw new IllegalStateException("the audit trail is not part of a Crm yet: pass it to Crm.builder().audit(trail)");
    }
    return c;
  }

  // ---- writing -----------------------------------------------------------------------------------------------------

  @Override
  public List<WriteBatch.Append> record(AuditEntry entry) {
    List<String> sensitiveShown = List.of();
    if (entry instanceof AuditEntry.Read r) {
      List<String> sensitive = sensitiveFields.get(r.resourceType());
      if (sensitive != null) {
        sensitiveShown = sensitive.stream().filter(r::showedInClear).toList();
      }
      if (r.action() != dev.rapport.crm.access.Action.EXPORT && !viewsRecorded.contains(r.resourceType())
          && sensitiveShown.isEmpty()) {
        return List.of();
      }
    }
    ObjectNode payload = payload(entry);
    if (!sensitiveShown.isEmpty()) {
      strings(payload, "sensitiveFields", sensitiveShown);
    }
    protect(entry.actor().tenant(), payload);
    return List.of(append(payload));
  }

  /** The record for {@code payload}: the thread's {@link ClientContext} added, the hash computed. */
  private WriteBatch.Append append(ObjectNode payload) {
    ClientContext open = ClientContext.current();
    if (open != null) {
      ObjectNode client = NODES.objectNode();
      if (open.ip() != null) {
        client.put("ip", open.ip());
      }
      if (open.userAgent() != null) {
        client.put("userAgent", open.userAgent());
      }
      if (open.channel() != null) {
        client.put("channel", open.channel());
      }
      if (!client.isEmpty()) {
        payload.set("client", client);
      }
    }
    String kind = payload.get("kind").textValue();
    return new WriteBatch.Append(STREAM, recordId(), "audit." + kind, StoredForm.stored(payload));
  }

  /**
   * A time-ordered (version 7, RFC 9562) UUID: the current millisecond, then 74 bits from the thread's generator.
   * Record ids need to be unique, not secret: ids that grow with time land at the end of the stream's unique index
   * instead of at a random page of it, and {@link UUID#randomUUID} would take the shared secure generator's lock on
   * every command.
   */
  static String recordId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    long high = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextInt() & 0x0FFFL);
    long low = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /**
   * Writes a security event the host reports (a login, a failed login, a lockout, a second factor) as a record of
   * kind {@code security}, in a commit of its own, with the thread's client context.
   */
  public AuditRecord securityEvent(TenantId tenant, SecurityEvent event) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(event, "event");
    ModuleContext c = context();
    ObjectNode p = event(c, tenant, event.userId(), null, "security", "REPORTED");
    p.put("event", event.type().name());
    if (!event.details().isEmpty()) {
      ObjectNode d = p.putObject("details");
      event.details().forEach(d::put);
    }
    return commitOwn(c, tenant, p);
  }

  @Override
  public void committed(TenantId tenant, List<StreamRecord> records) {
    pending.add(tenant);
  }

  static ObjectNode payload(AuditEntry entry) {
    ObjectNode p = NODES.objectNode();
    Actor actor = entry.actor();
    p.put("kind", entry instanceof AuditEntry.Change ? "change" : entry instanceof AuditEntry.Denied ? "denied" : "read");
    p.put("tenant", actor.tenant().value());
    p.put("actor", actor.userId());
    if (actor.onBehalfOf() != null) {
      p.put("onBehalfOf", actor.onBehalfOf());
    }
    if (!actor.roles().isEmpty()) {
      ArrayNode roles = p.putArray("roles");
      actor.roles().forEach(roles::add);
    }
    p.put("at", entry.at().toString());
    p.put("correlationId", entry.correlationId());
    p.put("outcome", entry.outcome().name());
    if (entry instanceof AuditEntry.Change c) {
      p.put("action", c.action().name());
      p.put("command", c.command());
      p.put("resourceType", c.resourceType());
      p.put("resourceId", c.resourceId());
      p.put("resourceVersion", c.resourceVersion());
      if (c.reason() != null) {
        p.put("reason", c.reason());
      }
      strings(p, "decidingRules", c.decidingRules());
      if (c.approval() != null) {
        ObjectNode a = p.putObject("approval");
        a.put("requestId", c.approval().requestId());
        strings(a, "approvers", c.approval().approvers());
        a.put("decidedAt", c.approval().decidedAt().toString());
      }
      if (c.requestId() != null) {
        p.put("requestId", c.requestId());
      }
      p.set("changes", Diff.between(c.before(), c.after()));
      String subject = c.resourceType().equals(CUSTOMER) ? c.resourceId() : customerOf(c.after(), c.before());
      if (subject != null) {
        p.put("subject", subject);
      }
    } else if (entry instanceof AuditEntry.Denied d) {
      p.put("action", d.action().name());
      p.put("command", d.command());
      p.put("resourceType", d.resourceType());
      if (d.resourceId() != null) {
        p.put("resourceId", d.resourceId());
        if (d.resourceType().equals(CUSTOMER)) {
          p.put("subject", d.resourceId());
        }
      }
      if (d.reason() != null) {
        p.put("reason", d.reason());
      }
      strings(p, "decidingRules", d.decidingRules());
    } else if (entry instanceof AuditEntry.Read r) {
      p.put("action", r.action().name());
      p.put("resourceType", r.resourceType());
      strings(p, "resourceIds", r.resourceIds());
      p.put("query", r.query());
    }
    return p;
  }

  private static final String CUSTOMER = dev.rapport.crm.customer.CustomerFields.TYPE.name();

  /** The customer an interaction or a case is about, from its stored state. */
  private static @Nullable String customerOf(@Nullable ObjectNode after, @Nullable ObjectNode before) {
    ObjectNode state = after != null ? after : before;
    JsonNode id = state == null ? null : state.get("customerId");
    return id != null && id.isTextual() ? id.textValue() : null;
  }

  // ---- personal values ---------------------------------------------------------------------------------------------

  /**
   * With a key vault: the changes' values and the reason of a record about a data subject move into {@code personal},
   * encrypted with the subject's key (the tenant, subject and key id bound to the ciphertext); {@code changes} keeps
   * the field paths only.
   */
  private void protect(TenantId tenant, ObjectNode p) {
    KeyVault v = vault;
    JsonNode subject = p.get("subject");
    if (v == null || subject == null) {
      return;
    }
    JsonNode changes = p.get("changes");
    JsonNode reason = p.get("reason");
    boolean values = changes != null && !changes.isEmpty();
    if (!values && reason == null) {
      return;
    }
    ObjectNode personal = NODES.objectNode();
    ArrayNode paths = NODES.arrayNode();
    if (values) {
      personal.set("changes", changes);
      changes.forEach(c -> paths.addObject().set("field", c.get("field")));
      p.set("changes", paths);
    }
    if (reason != null) {
      personal.set("reason", reason);
      p.remove("reason");
    }
    KeyVault.SubjectKey key = v.keyFor(tenant, subject.asText());
    byte[] plain;
    try {
      plain = JSON.writeValueAsBytes(personal);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ObjectNode sealed = p.putObject("personal");
    sealed.put("key", key.keyId());
    sealed.put("data", java.util.Base64.getEncoder().encodeToString(
        Aead.encrypt(key.key(), personalContext(tenant, subject.asText(), key.keyId()), plain)));
  }

  private static String personalContext(TenantId tenant, String subject, String keyId) {
    return "rapport.audit.personal\u0000" + tenant.value() + '\u0000' + subject + '\u0000' + keyId;
  }

  /** The record as read back: its personal values decrypted when its subject's key still exists. */
  private AuditRecord open(TenantId tenant, StreamRecord r) {
    ObjectNode p = StoredForm.view(r.payload());
    JsonNode sealed = p.get("personal");
    if (sealed == null || !sealed.isObject()) {
      return AuditRecord.of(r, p, false);
    }
    String subject = p.path("subject").asText();
    String keyId = sealed.path("key").asText();
    KeyVault v = vault;
    Optional<KeyVault.SubjectKey> key = v == null ? Optional.empty() : v.find(tenant, subject, keyId);
    ObjectNode view = p;
    view.remove("personal");
    if (key.isEmpty()) {
      return AuditRecord.of(r, view, true);
    }
    try {
      byte[] plain = Aead.decrypt(key.get().key(), personalContext(tenant, subject, keyId),
          java.util.Base64.getDecoder().decode(sealed.path("data").asText()));
      JsonNode personal = JSON.readTree(plain);
      if (personal.has("changes")) {
        view.set("changes", personal.get("changes"));
      }
      if (personal.has("reason")) {
        view.set("reason", personal.get("reason"));
      }
      return AuditRecord.of(r, view, false);
    } catch (java.security.GeneralSecurityException | IllegalArgumentException | java.io.IOException e) {
      // altered ciphertext or key id: the record is what verify() reports; here its values are unreadable
      return AuditRecord.of(r, view, true);
    }
  }

  /** What {@link #erase} did. */
  public record Erasure(String subject, boolean keyDestroyed, AuditRecord record) {}

  /**
   * Erases a data subject from the trail (GDPR Art. 17) by destroying its key: the personal values of every record
   * about it become unreadable in every record, copy and backup of the trail at once, while the records, their hashes
   * and the chain stay intact ({@link #verify} still passes). Writes a record of kind {@code erasure} naming the
   * subject, the actor and the reason (so keep personal data out of the reason). Needs
   * {@link Builder#erasure}. Erasing the customer itself from the domain is a separate command (delete). The subject
   * and the reason are checked before any key is touched: text every store keeps exactly ({@link TextRules}), the
   * reason free text (bidirectional controls only where the host allows them in free text).
   */
  public Erasure erase(Actor actor, String subject, String reason) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    KeyVault v = vault;
    if (v == null) {
      throw dev.rapport.crm.error.ValidationException.of("audit.erasure", "audit.erasure.disabled",
          "erasing a data subject needs a key vault: AuditTrail.builder().erasure(KeyVault.stored(masterKey))");
    }
    ModuleContext c = context();
    subject(subject);
    TextRules.require("reason", reason, c.allowsBidiControlsInFreeText());
    boolean destroyed = v.destroy(actor.tenant(), subject);
    ObjectNode p = event(c, actor.tenant(), actor.userId(), actor.onBehalfOf(), "erasure", "APPLIED");
    p.put("action", "ERASE");
    p.put("subject", subject);
    p.put("keyDestroyed", destroyed);
    p.put("reason", reason);
    return new Erasure(subject, destroyed, commitOwn(c, actor.tenant(), p));
  }

  /**
   * Subject access export (GDPR Art. 15): every record about a data subject ({@link HistoryQuery#forSubject}), its
   * personal values decrypted, as one JSON document: {@code tenant}, {@code subject}, {@code exportedAt},
   * {@code records} (each record's payload with its {@code position} and {@code id}; erased ones with
   * {@code erased: true}). The export itself is recorded (kind {@code read}, action {@code EXPORT}).
   */
  public ObjectNode exportSubject(Actor actor, String subject) {
    Objects.requireNonNull(actor, "actor");
    subject(subject);
    ModuleContext c = context();
    ObjectNode out = NODES.objectNode();
    out.put("tenant", actor.tenant().value());
    out.put("subject", subject);
    out.put("exportedAt", c.clock().instant().toString());
    ArrayNode records = out.putArray("records");
    HistoryQuery q = HistoryQuery.forSubject(subject).limit(HistoryQuery.MAX_LIMIT);
    while (true) {
      List<AuditRecord> page = history(actor.tenant(), q);
      for (AuditRecord r : page) {
        ObjectNode one = records.addObject();
        one.put("position", r.position());
        one.put("id", r.id());
        if (r.erased()) {
          one.put("erased", true);
        }
        one.setAll(r.payload());
      }
      if (page.size() < HistoryQuery.MAX_LIMIT) {
        break;
      }
      q.after(page.get(page.size() - 1).position());
    }
    ObjectNode p = event(c, actor.tenant(), actor.userId(), actor.onBehalfOf(), "read", "APPLIED");
    p.put("action", dev.rapport.crm.access.Action.EXPORT.name());
    p.put("command", "audit.export-subject");
    p.put("resourceType", CUSTOMER);
    strings(p, "resourceIds", List.of(subject));
    p.put("subject", subject);
    commitOwn(c, actor.tenant(), p);
    return out;
  }

  /** A data subject a caller names (a customer's id): given, and text every store keeps exactly. */
  private static void subject(@Nullable String subject) {
    Objects.requireNonNull(subject, "subject");
    if (subject.isBlank()) {
      throw dev.rapport.crm.error.ValidationException.of("subject", "audit.subject.required",
          "a data subject is named by its id, not blank");
    }
    TextRules.require("subject", subject);
  }

  /** The common head of a record the trail writes on its own (not in a command's commit). */
  private static ObjectNode event(ModuleContext c, TenantId tenant, String actor, @Nullable String onBehalfOf,
                                  String kind, String outcome) {
    ObjectNode p = NODES.objectNode();
    p.put("kind", kind);
    p.put("tenant", tenant.value());
    p.put("actor", actor);
    if (onBehalfOf != null) {
      p.put("onBehalfOf", onBehalfOf);
    }
    p.put("at", c.clock().instant().toString());
    p.put("correlationId", correlationId());
    p.put("outcome", outcome);
    return p;
  }

  private static String correlationId() {
    return Optional.ofNullable(org.slf4j.MDC.get("correlationId")).orElseGet(() -> UUID.randomUUID().toString());
  }

  /** Writes one record in a commit of its own. */
  private AuditRecord commitOwn(ModuleContext c, TenantId tenant, ObjectNode p) {
    WriteBatch.Append a = append(p);
    dev.rapport.crm.store.Committed committed = c.store().commit(tenant, WriteBatch.builder().append(a).build());
    pending.add(tenant);
    return AuditRecord.of(committed.records().get(0));
  }

  private static void strings(ObjectNode into, String name, List<String> values) {
    ArrayNode a = into.putArray(name);
    values.forEach(a::add);
  }

  /**
   * The tenant's records after stream position {@code afterPosition} (0 for the first), oldest first, at most
   * {@code limit}, as read back ({@link AuditRecord}): each record's payload holds {@code kind} ({@code change},
   * {@code denied}, {@code read}, ...), {@code actor}, {@code at}, {@code action}, {@code resourceType},
   * {@code resourceId}, {@code changes} ({@code field}, {@code old}, {@code new}, and {@code added}/{@code removed}
   * for lists), {@code reason}, {@code outcome} and its {@code hash}; personal values decrypted while their
   * subject's key exists. (The stream itself holds each record as its canonical text and hash: see the README.)
   */
  public List<AuditRecord> records(TenantId tenant, long afterPosition, int limit) {
    List<StreamRecord> stored = context().store().read(tenant, STREAM, afterPosition, limit);
    List<AuditRecord> out = new ArrayList<>(stored.size());
    stored.forEach(r -> out.add(open(tenant, r)));
    return out;
  }

  // ---- history -----------------------------------------------------------------------------------------------------

  /**
   * The records {@code query} selects, oldest first, at most {@link HistoryQuery#limit}: sealed records through the
   * index ({@value #INDEX}), the records the sealer has not reached yet read from the stream after them. The next
   * page: the same query {@code after} the last record's position.
   */
  public List<AuditRecord> history(TenantId tenant, HistoryQuery query) {
    Store store = context().store();
    Chain.Block last = Chain.lastBlock(store, tenant);
    long sealedUpTo = last == null ? 0 : last.end();
    List<AuditRecord> out = new ArrayList<>();
    long after = query.afterPosition();
    if (after < sealedUpTo) {
      Criteria c = Criteria.and(query.criteria(), Criteria.gt("pos", after), Criteria.lte("pos", sealedUpTo));
      Page<Document> page = store.query(tenant, INDEX, Query.of(c, Sort.asc("pos"), query.limit()));
      for (Document d : page.items()) {
        long pos = d.body().path("pos").asLong();
        List<StreamRecord> one = store.read(tenant, STREAM, pos - 1, 1);
        if (!one.isEmpty() && one.get(0).position() == pos) {
          out.add(open(tenant, one.get(0)));
        }
      }
      if (page.nextCursor() != null) {
        return out;   // more sealed matches may follow: the next page goes on from here
      }
      after = sealedUpTo;
    }
    // the unsealed tail: as long as the sealer lags, read and filtered here
    while (out.size() < query.limit()) {
      List<StreamRecord> batch = store.read(tenant, STREAM, after, READ_BATCH);
      for (StreamRecord r : batch) {
        AuditRecord record = open(tenant, r);
        if (query.matches(record) && out.size() < query.limit()) {
          out.add(record);
        }
      }
      if (batch.size() < READ_BATCH) {
        break;
      }
      after = batch.get(batch.size() - 1).position();
    }
    return out;
  }

  /** The records that wrote a version of one record (its creation and every applied change), oldest first. */
  public List<AuditRecord> versions(TenantId tenant, String resourceType, String resourceId) {
    List<AuditRecord> out = new ArrayList<>();
    HistoryQuery q = HistoryQuery.forResource(resourceType, resourceId).kind("change").limit(HistoryQuery.MAX_LIMIT);
    while (true) {
      List<AuditRecord> page = history(tenant, q);
      for (AuditRecord r : page) {
        if (r.wroteVersion()) {
          out.add(r);
        }
      }
      if (page.size() < HistoryQuery.MAX_LIMIT) {
        return out;
      }
      q.after(page.get(page.size() - 1).position());
    }
  }

  /**
   * The stored state of a record as it was at {@code instant} (its fields, without the bookkeeping the records name
   * themselves: id, version, created/updated at and by), rebuilt from its changes; empty before its creation.
   */
  public Optional<ObjectNode> stateAsOf(TenantId tenant, String resourceType, String resourceId, Instant instant) {
    return state(versions(tenant, resourceType, resourceId), r -> !r.at().isAfter(instant));
  }

  /** The stored state of a record at one of its versions (see {@link #stateAsOf}); empty when it never had it. */
  public Optional<ObjectNode> stateAt(TenantId tenant, String resourceType, String resourceId, long version) {
    List<AuditRecord> versions = versions(tenant, resourceType, resourceId);
    if (versions.stream().noneMatch(r -> r.resourceVersion() == version)) {
      return Optional.empty();
    }
    return state(versions, r -> r.resourceVersion() <= version);
  }

  /**
   * Reverts a customer to one of its versions as a new change through the normal command path
   * ({@code crm.customers().revert}): access-checked like any edit, one new version, audited with {@code reason}
   * (command {@code customer.revert}), events published, an approval gate consulted. Its identity and deletion state
   * stay as they are.
   *
   * @throws dev.rapport.crm.error.NotFoundException when the trail holds no such version
   * @throws SubjectErasedException when the customer's values were erased
   */
  public dev.rapport.crm.customer.Customer revert(dev.rapport.crm.Crm crm, Actor actor, String customerId,
                                                  long toVersion, String reason) {
    Objects.requireNonNull(crm, "crm");
    Objects.requireNonNull(actor, "actor");
    ObjectNode state = stateAt(actor.tenant(), CUSTOMER, customerId, toVersion).orElseThrow(() ->
        new dev.rapport.crm.error.NotFoundException("the audit trail holds no version " + toVersion + " of customer "
            + customerId));
    return crm.customers().revert(actor, customerId, state, reason);
  }

  /** The field changes from one version of a record to another (either order), as a change record lists them. */
  public List<FieldChange> diff(TenantId tenant, String resourceType, String resourceId, long fromVersion,
                                long toVersion) {
    List<AuditRecord> versions = versions(tenant, resourceType, resourceId);
    for (long v : new long[] {fromVersion, toVersion}) {
      if (versions.stream().noneMatch(r -> r.resourceVersion() == v)) {
        throw new dev.rapport.crm.error.NotFoundException("the audit trail holds no version " + v + " of " + resourceType
            + " " + resourceId);
      }
    }
    ObjectNode a = state(versions, r -> r.resourceVersion() <= fromVersion).orElseThrow();
    ObjectNode b = state(versions, r -> r.resourceVersion() <= toVersion).orElseThrow();
    return FieldChange.all(Diff.between(a, b));
  }

  private static Optional<ObjectNode> state(List<AuditRecord> versions, java.util.function.Predicate<AuditRecord> upTo) {
    ObjectNode state = null;
    for (AuditRecord r : versions) {
      if (!upTo.test(r)) {
        break;
      }
      if (r.erased()) {
        throw new SubjectErasedException(String.valueOf(r.subject()), "the values of " + r.resourceType() + " "
            + r.resourceId() + " in the audit trail were erased with data subject " + r.subject()
            + ": its states and diffs can no longer be rebuilt");
      }
      if (state == null) {
        state = NODES.objectNode();
      }
      Diff.apply(state, r.payload().path("changes"));
    }
    return Optional.ofNullable(state);
  }

  // ---- sealing -----------------------------------------------------------------------------------------------------

  /** What one {@link #seal} did. */
  public record Seal(boolean leaseHeld, int blocks, long records, @Nullable Checkpoint checkpoint) {}

  /**
   * Seals the tenants whose records this node committed since their last complete seal; call it on the host's
   * scheduler (every few seconds). A tenant whose lease another node holds stays pending here until its records are
   * sealed, by whichever node.
   */
  public Map<TenantId, Seal> sealPending() {
    Map<TenantId, Seal> out = new HashMap<>();
    for (TenantId t : List.copyOf(pending)) {
      pending.remove(t);
      try {
        Seal s = seal(t);
        out.put(t, s);
        if (!s.leaseHeld()) {
          pending.add(t);
        }
      } catch (RuntimeException e) {
        // one tenant's failure (a database error, a chain that disagrees with the witness) must not stop the others,
        // nor the host's scheduler: logged, and tried again on the next run
        pending.add(t);
        LOG.error("sealing the audit trail of tenant {} failed; it stays pending", t.value(), e);
      }
    }
    return out;
  }

  /**
   * Links the tenant's records not sealed yet into the chain, in blocks, if this node can hold the sealer lease
   * (renewed between blocks, released at the end); otherwise seals nothing ({@link Seal#leaseHeld()} false). A
   * record whose content does not match its own hash is sealed with the hash it carries, so that {@link #verify}
   * keeps reporting it there while the chain goes on protecting what follows.
   *
   * @throws IllegalStateException when the chain disagrees with the witness's newest checkpoint (shorter, or another
   *     head at its block): a chain rewritten is not extended; {@link #verify} says where
   */
  public Seal seal(TenantId tenant) {
    ModuleContext c = context();
    Store store = c.store();
    Optional<Lease> held = store.tryAcquire(tenant, LEASE, c.nodeId(), leaseTtl);
    if (held.isEmpty()) {
      return new Seal(false, 0, 0, null);
    }
    Lease lease = held.get();
    try {
      return sealer.seal(c, store, tenant, lease);
    } finally {
      store.release(tenant, lease);
    }
  }

  // ---- verifying ---------------------------------------------------------------------------------------------------

  /**
   * Walks the tenant's records and the chain's blocks in order and returns the first problem: a record whose content
   * does not match its hash or the hash the chain sealed (altered), a sealed record missing (removed), a record the
   * chain does not hold between sealed ones (inserted), a sealed record at another place (reordered), the newest
   * sealed records missing (truncated), or a block missing, altered or not linking to the one before it; then checks
   * the chain against the witness's newest checkpoint. Records after the last block are checked against their own
   * hashes only (they are not sealed yet).
   */
  public Verification verify(TenantId tenant) {
    ModuleContext c = context();
    return verifier.verify(c.store(), tenant, c.clock().instant());
  }

  // ---- retention ---------------------------------------------------------------------------------------------------

  /** What one {@link #purgeExpired} did. */
  public record Retention(boolean leaseHeld, long purged, Map<String, Long> purgedByKind) {
    public Retention {
      purgedByKind = Map.copyOf(purgedByKind);
    }
  }

  /**
   * Deletes the tenant's sealed records that are past the retention of their kind ({@link Builder#retain}), with
   * their index entries, holding the sealer's lease; the chain keeps their kind, time and hash, so
   * {@link #verify} still passes and still finds any other record missing. Records not sealed yet wait for the
   * sealer. When it purged anything, writes a record of kind {@code retention} with the counts per kind. Schedule it
   * like {@link #seal} (daily is plenty); a no-op without retention periods.
   */
  public Retention purgeExpired(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    if (retainer.periods().isEmpty()) {
      return new Retention(true, 0, Map.of());
    }
    ModuleContext c = context();
    Store store = c.store();
    Optional<Lease> lease = store.tryAcquire(tenant, LEASE, c.nodeId(), leaseTtl);
    if (lease.isEmpty()) {
      return new Retention(false, 0, Map.of());
    }
    Retainer.Purged result;
    try {
      result = retainer.purge(c, store, tenant, purgedThrough.getOrDefault(tenant, 0L));
      if (result.leaseHeld()) {
        purgedThrough.put(tenant, result.through());
      }
    } finally {
      store.release(tenant, lease.get());
    }
    long purged = result.purged();
    Map<String, Long> byKind = result.byKind();
    if (!result.leaseHeld()) {
      return new Retention(false, purged, byKind);
    }
    if (purged > 0) {
      ObjectNode p = event(c, tenant, c.nodeId(), null, "retention", "APPLIED");
      ObjectNode counts = p.putObject("purged");
      byKind.forEach(counts::put);
      ObjectNode periods = p.putObject("retention");
      retainer.periods().forEach((k, d) -> periods.put(k, d.toString()));
      commitOwn(c, tenant, p);
    }
    return new Retention(true, purged, byKind);
  }
}
