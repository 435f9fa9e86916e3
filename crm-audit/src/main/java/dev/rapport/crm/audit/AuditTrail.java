package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.VersionConflictException;
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
import dev.rapport.crm.store.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
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
  static final String HASH = "hash";
  /** The member of a stored record holding its content's canonical text. */
  static final String RECORD = "record";
  /** Reads a record's text: decimals as written (as {@code BigDecimal}), not as doubles. */
  private static final com.fasterxml.jackson.databind.ObjectReader READER = new com.fasterxml.jackson.databind
      .ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .reader();
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
  private static final byte[] GENESIS = new byte[Hashes.LENGTH];
  /** The kinds of record the trail writes. */
  static final List<String> KINDS = List.of("change", "denied", "read", "security", "erasure", "retention");
  private static final int READ_BATCH = 500;

  private final int blockSize;
  private final Duration leaseTtl;
  private final CheckpointWitness witness;
  private final Set<String> viewsRecorded;
  /** Resource type → the sensitive field paths whose views are recorded. */
  private final Map<String, List<String>> sensitiveFields;
  private final @Nullable KeyVault vault;
  /** Record kind → how long its records are kept; kinds not named are kept for good. */
  private final Map<String, Duration> retention;
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
    this.retention = Map.copyOf(b.retention);
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
    return new WriteBatch.Append(STREAM, randomId(), "audit." + kind, stored(payload));
  }

  /**
   * The stored form of a record: {@value #RECORD}, the canonical text of its content (members sorted by name,
   * numbers by value; {@link Hashes}), and {@value #HASH}, the SHA-256 of that text. Checking a record is hashing
   * the text as stored, with nothing to rebuild; reading one parses it ({@link #view}).
   */
  static ObjectNode stored(ObjectNode content) {
    String text = Hashes.canonicalText(content, HASH);
    ObjectNode stored = NODES.objectNode();
    stored.put(RECORD, text);
    stored.put(HASH, Hashes.ofText(text));
    return stored;
  }

  /** A stored record's content, parsed, with its {@value #HASH}; only the hash when its text is not an object. */
  static ObjectNode view(ObjectNode stored) {
    ObjectNode view = null;
    JsonNode text = stored.get(RECORD);
    if (text != null && text.isTextual()) {
      try {
        JsonNode parsed = READER.readTree(text.textValue());
        view = parsed != null && parsed.isObject() ? (ObjectNode) parsed : null;
      } catch (java.io.IOException e) {
        // not JSON (altered): verify() reports the record
      }
    }
    if (view == null) {
      view = NODES.objectNode();
    }
    JsonNode hash = stored.get(HASH);
    view.put(HASH, hash == null ? "" : hash.asText());
    return view;
  }

  /** Whether a stored record's text still hashes to its stored hash (false for a shape the trail does not write). */
  static boolean matchesItsHash(ObjectNode stored) {
    byte[] digest = contentDigest(stored);
    return digest != null && Hashes.matches(digest, stored.path(HASH).asText());
  }

  /** The SHA-256 of a stored record's text as it is now; null when the stored form is not one the trail writes. */
  static byte @Nullable [] contentDigest(ObjectNode stored) {
    JsonNode text = stored.get(RECORD);
    if (stored.size() != 2 || text == null || !text.isTextual() || !stored.path(HASH).isTextual()) {
      return null;
    }
    return Hashes.digestOfText(text.textValue());
  }

  /**
   * A random (version 4) UUID from the thread's generator: record ids need to be unique, not secret, and
   * {@link UUID#randomUUID} would take the shared secure generator's lock on every command.
   */
  private static String randomId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    long high = (r.nextLong() & ~0xF000L) | 0x4000L;
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
    ObjectNode p = view(r.payload());
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
   * {@link Builder#erasure}. Erasing the customer itself from the domain is a separate command (delete).
   */
  public Erasure erase(Actor actor, String subject, String reason) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(reason, "reason");
    KeyVault v = vault;
    if (v == null) {
      throw dev.rapport.crm.error.ValidationException.of("audit.erasure", "audit.erasure.disabled",
          "erasing a data subject needs a key vault: AuditTrail.builder().erasure(KeyVault.stored(masterKey))");
    }
    ModuleContext c = context();
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
    Objects.requireNonNull(subject, "subject");
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
    Block last = lastBlock(store, tenant);
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
      return sealHolding(c, store, tenant, lease);
    } finally {
      store.release(tenant, lease);
    }
  }

  private Seal sealHolding(ModuleContext c, Store store, TenantId tenant, Lease lease) {
    Block last = lastBlock(store, tenant);
    Optional<Checkpoint> witnessed = witness.latest(tenant);
    if (witnessed.isPresent()) {
      Checkpoint w = witnessed.get();
      Block at = last != null && last.seq == w.block() ? last
          : store.get(tenant, BLOCKS, blockId(w.block())).map(Block::of).orElse(null);
      if (at == null || !Hashes.hex(at.head).equals(w.head())) {
        throw new IllegalStateException("the audit chain of tenant " + tenant.value() + " disagrees with the "
            + "witness's checkpoint of block " + w.block() + " (" + (at == null ? "no such block" : "another head")
            + "): not extended; verify() says where");
      }
    }
    long seq = last == null ? 0 : last.seq;
    long total = last == null ? 0 : last.total;
    long after = last == null ? 0 : last.end();
    byte[] head = last == null ? GENESIS : last.head;
    int blocks = 0;
    long sealed = 0;
    Checkpoint checkpoint = null;
    while (true) {
      if (blocks > 0 && store.tryAcquire(tenant, LEASE, c.nodeId(), leaseTtl).isEmpty()) {
        return new Seal(false, blocks, sealed, checkpoint);
      }
      List<StreamRecord> sealing = store.read(tenant, STREAM, after, blockSize);
      if (sealing.isEmpty()) {
        break;
      }
      List<ObjectNode> contents = new ArrayList<>(sealing.size());
      for (StreamRecord r : sealing) {
        contents.add(view(r.payload()));
        if (!matchesItsHash(r.payload())) {
          LOG.error("audit record {} at position {} of tenant {} does not match its hash (altered before it was "
              + "sealed); sealed with the hash it carries, verify() reports it", r.id(), r.position(), tenant.value());
        }
      }
      byte[] prev = head;
      int m = sealing.size();
      long[] positionsOf = new long[m];
      String[] idsOf = new String[m];
      byte[][] hashesOf = new byte[m][];
      String[] kindsOf = new String[m];
      String[] atsOf = new String[m];
      ArrayNode positions = NODES.arrayNode();
      ArrayNode ids = NODES.arrayNode();
      ArrayNode hashes = NODES.arrayNode();
      ArrayNode kinds = NODES.arrayNode();
      ArrayNode ats = NODES.arrayNode();
      for (int i = 0; i < m; i++) {
        StreamRecord r = sealing.get(i);
        byte[] h = Hashes.parseHash(r.payload().path(HASH).asText());
        if (h == null) {
          h = new byte[Hashes.LENGTH];   // no hash at all: sealed as zeros, reported by verify()
        }
        ObjectNode content = contents.get(i);
        positionsOf[i] = r.position();
        idsOf[i] = r.id();
        hashesOf[i] = h;
        kindsOf[i] = content.path("kind").asText();
        atsOf[i] = content.path("at").asText();
        positions.add(positionsOf[i]);
        ids.add(idsOf[i]);
        hashes.add(Hashes.hex(h));
        kinds.add(kindsOf[i]);
        ats.add(atsOf[i]);
      }
      head = blockHead(prev, positionsOf, idsOf, hashesOf, kindsOf, atsOf);
      seq++;
      total += sealing.size();
      after = sealing.get(sealing.size() - 1).position();
      Instant now = c.clock().instant();
      ObjectNode body = NODES.objectNode();
      body.put("seq", seq).put("prev", Hashes.hex(prev)).put("head", Hashes.hex(head)).put("total", total)
          .put("lastPosition", after).put("sealedAt", now.toString());
      body.set("positions", positions);
      body.set("ids", ids);
      body.set("hashes", hashes);
      body.set("kinds", kinds);
      body.set("ats", ats);
      Document doc = new Document(blockId(seq), 1, body, Map.of("seq", List.of(seq)));
      try {
        WriteBatch.Builder batch = WriteBatch.builder();
        if (store.supports(dev.rapport.crm.store.Capability.MULTI_DOCUMENT_TRANSACTIONS)) {
          // the block and the index of its records in one commit
          for (int i = 0; i < sealing.size(); i++) {
            batch.insert(INDEX, indexDocument(sealing.get(i), contents.get(i)));
          }
        } else {
          // one document per commit: the index first, so that a block never stands for records the index lacks
          // (a crash between leaves index documents past the chain's end, which history reads from the stream)
          for (int i = 0; i < sealing.size(); i++) {
            try {
              store.commit(tenant, WriteBatch.builder().insert(INDEX, indexDocument(sealing.get(i), contents.get(i)))
                  .guardedBy(WriteBatch.LeaseGuard.of(lease)).build());
            } catch (DuplicateKeyException written) {
              // indexed by an earlier run that did not get to its block
            }
          }
        }
        store.commit(tenant, batch.insert(BLOCKS, doc).guardedBy(WriteBatch.LeaseGuard.of(lease)).build());
      } catch (DuplicateKeyException | VersionConflictException e) {
        // another sealer took over (our lease expired) and wrote this block: the chain stays single
        LOG.info("audit sealer of tenant {} lost its lease at block {}: {}", tenant.value(), seq, e.getMessage());
        return new Seal(false, blocks, sealed, checkpoint);
      }
      blocks++;
      sealed += sealing.size();
      checkpoint = new Checkpoint(seq, total, after, Hashes.hex(head), now);
      try {
        witness.accept(tenant, checkpoint);
      } catch (RuntimeException e) {
        LOG.error("the checkpoint witness {} refused block {} of tenant {}", witness, seq, tenant.value(), e);
      }
      if (sealing.size() < blockSize) {
        break;
      }
    }
    return new Seal(true, blocks, sealed, checkpoint);
  }

  /** A sealed record's entry in {@value #INDEX}: what {@link HistoryQuery} filters on, and its position. */
  static Document indexDocument(StreamRecord r, ObjectNode p) {
    Map<String, List<Object>> ix = new java.util.LinkedHashMap<>();
    ix.put("pos", List.of(r.position()));
    ix.put("kind", List.of(p.path("kind").asText()));
    ix.put("actor", List.of(p.path("actor").asText()));
    if (p.hasNonNull("action")) {
      ix.put("action", List.of(p.path("action").asText()));
    }
    if (p.path("subject").isTextual()) {
      ix.put("subject", List.of(p.path("subject").textValue()));
    }
    if (p.hasNonNull("resourceType") && p.hasNonNull("resourceId")) {
      ix.put("resource", List.of(HistoryQuery.key(p.path("resourceType").asText(), p.path("resourceId").asText())));
    }
    try {
      ix.put("at", List.of(Instant.parse(p.path("at").asText())));
    } catch (java.time.format.DateTimeParseException e) {
      // not a time (altered before it was sealed): not indexed by time; verify() reports the record
    }
    List<Object> fields = new ArrayList<>();
    for (JsonNode c : p.path("changes")) {
      String f = c.path("field").asText();
      if (f.length() <= IndexSpec.MAX_STRING_LENGTH) {
        fields.add(f);
      }
    }
    if (!fields.isEmpty()) {
      ix.put("fields", fields);
    }
    return new Document("p" + r.position(), 1, NODES.objectNode().put("pos", r.position()), ix);
  }

  static String blockId(long seq) {
    return String.format("b%019d", seq);
  }

  /**
   * The chain's head after a block: SHA-256 of the head before it and, for each record the block seals in order, its
   * position, id, content hash, kind and time (the kind and time in the chain itself, so that a record purged by
   * retention still proves it was due). One digest per block, fed in slices of about 8 KB.
   */
  static byte[] blockHead(byte[] prev, long[] positions, String[] ids, byte[][] hashes, String[] kinds,
                          String[] ats) {
    MessageDigest d = Hashes.reusable();
    d.update(prev);
    LinkBuffer b = LINK.get();
    b.n = 0;
    for (int i = 0; i < positions.length; i++) {
      b.room(8);
      for (int k = 7; k >= 0; k--) {
        b.buf[b.n++] = (byte) (positions[i] >>> (8 * k));
      }
      b.text(ids[i]);
      b.put(hashes[i], hashes[i].length);
      b.text(kinds[i]);
      b.text(ats[i]);
      if (b.n >= 8192) {
        d.update(b.buf, 0, b.n);
        b.n = 0;
      }
    }
    d.update(b.buf, 0, b.n);
    return d.digest();
  }

  private static final ThreadLocal<LinkBuffer> LINK = ThreadLocal.withInitial(LinkBuffer::new);

  /** The bytes of a block's entries on their way to the digest, reused by the thread. */
  private static final class LinkBuffer {
    byte[] buf = new byte[8192 + 512];
    int n;

    void room(int more) {
      if (n + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(2 * buf.length, n + more));
      }
    }

    void put(byte[] bytes, int length) {
      room(length);
      System.arraycopy(bytes, 0, buf, n, length);
      n += length;
    }

    /** The text's UTF-8 length as 4 bytes, then its bytes. */
    void text(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      room(4);
      buf[n++] = (byte) (bytes.length >>> 24);
      buf[n++] = (byte) (bytes.length >>> 16);
      buf[n++] = (byte) (bytes.length >>> 8);
      buf[n++] = (byte) bytes.length;
      put(bytes, bytes.length);
    }
  }

  /** A block as stored. */
  private record Block(long seq, byte[] prev, byte[] head, long total, long lastPosition, long[] positions,
                       String[] ids, byte[][] hashes, String[] hexes, String[] kinds, String[] ats) {

    /** The position of the last record the block seals (from its hashed entries, not its header). */
    long end() {
      return positions.length == 0 ? 0 : positions[positions.length - 1];
    }

    /** Whether the header agrees with the entries and the entries are well formed. */
    boolean wellFormed() {
      if (positions.length == 0 || lastPosition != end() || prev.length != Hashes.LENGTH
          || head.length != Hashes.LENGTH) {
        return false;
      }
      for (int i = 0; i < positions.length; i++) {
        if (i > 0 && positions[i] <= positions[i - 1] || hashes[i] == null) {
          return false;
        }
      }
      return true;
    }

    static Block of(Document d) {
      JsonNode b = d.body();
      int n = b.path("positions").size();
      long[] positions = new long[n];
      String[] ids = new String[n];
      byte[][] hashes = new byte[n][];   // an entry stays null unless it is a hash as the sealer writes it
      String[] hexes = new String[n];
      String[] kinds = new String[n];
      String[] ats = new String[n];
      JsonNode p = b.path("positions");
      JsonNode is = b.path("ids");
      JsonNode hs = b.path("hashes");
      JsonNode ks = b.path("kinds");
      JsonNode as = b.path("ats");
      for (int i = 0; i < n; i++) {
        positions[i] = p.path(i).asLong();
        ids[i] = is.path(i).asText();
        hexes[i] = hs.path(i).asText();
        hashes[i] = Hashes.parseHash(hexes[i]);
        kinds[i] = ks.path(i).asText();
        ats[i] = as.path(i).asText();
      }
      return new Block(b.path("seq").asLong(), hex(b, "prev"), hex(b, "head"), b.path("total").asLong(),
          b.path("lastPosition").asLong(), positions, ids, hashes, hexes, kinds, ats);
    }

    private static byte[] hex(JsonNode b, String field) {
      byte[] h = Hashes.parseHash(b.path(field).asText());
      return h == null ? new byte[0] : h;   // not well formed: verify() reports the block
    }
  }

  private static @Nullable Block lastBlock(Store store, TenantId tenant) {
    Page<Document> page = store.query(tenant, BLOCKS, Query.of(Criteria.all(), Sort.desc("seq"), 1));
    return page.items().isEmpty() ? null : Block.of(page.items().get(0));
  }

  // ---- retention ---------------------------------------------------------------------------------------------------

  /** Whether a record of {@code kind} written at {@code at} is past its retention at {@code now}. */
  private boolean expired(String kind, String at, Instant now) {
    Duration keep = retention.get(kind);
    if (keep == null) {
      return false;
    }
    try {
      return !Instant.parse(at).plus(keep).isAfter(now);
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

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
    if (retention.isEmpty()) {
      return new Retention(true, 0, Map.of());
    }
    ModuleContext c = context();
    Store store = c.store();
    Optional<Lease> lease = store.tryAcquire(tenant, LEASE, c.nodeId(), leaseTtl);
    if (lease.isEmpty()) {
      return new Retention(false, 0, Map.of());
    }
    Instant now = c.clock().instant();
    Duration shortest = java.util.Collections.min(retention.values());
    Map<String, Long> byKind = new java.util.TreeMap<>();
    Map<String, List<Long>> due = new java.util.TreeMap<>();
    int dueCount = 0;
    long purged = 0;
    try {
      long from = purgedThrough.getOrDefault(tenant, 0L);
      long through = from;
      boolean allDueSoFar = true;
      for (java.util.Iterator<Block> it = Page.streamAll(Query.of(Criteria.gt("seq", from), Sort.asc("seq"), 100),
          q -> store.query(tenant, BLOCKS, q)).map(Block::of).iterator(); it.hasNext(); ) {
        Block b = it.next();
        boolean allDue = true;
        for (int i = 0; i < b.positions.length; i++) {
          if (expired(b.kinds[i], b.ats[i], now)) {
            due.computeIfAbsent(b.kinds[i], k -> new ArrayList<>()).add(b.positions[i]);
            dueCount++;
          } else if (retention.containsKey(b.kinds[i])) {
            allDue = false;
          }
        }
        if (dueCount >= dev.rapport.crm.store.StoreChecks.MAX_PURGE_POSITIONS - blockSize) {
          purged += purge(store, tenant, due, byKind);
          due.clear();
          dueCount = 0;
          if (store.tryAcquire(tenant, LEASE, c.nodeId(), leaseTtl).isEmpty()) {
            return new Retention(false, purged, byKind);
          }
        }
        allDueSoFar &= allDue;
        if (allDueSoFar) {
          through = b.seq;   // nothing in the chain up to here will need purging again
        }
        if (newest(b.ats).plus(shortest).isAfter(now)) {
          break;   // the chain's records only get newer from here: none is due yet
        }
      }
      purged += purge(store, tenant, due, byKind);
      purgedThrough.put(tenant, through);
    } finally {
      store.release(tenant, lease.get());
    }
    if (purged > 0) {
      ObjectNode p = event(c, tenant, c.nodeId(), null, "retention", "APPLIED");
      ObjectNode counts = p.putObject("purged");
      byKind.forEach(counts::put);
      ObjectNode periods = p.putObject("retention");
      new java.util.TreeMap<>(retention).forEach((k, d) -> periods.put(k, d.toString()));
      commitOwn(c, tenant, p);
    }
    return new Retention(true, purged, byKind);
  }

  private static Instant newest(String[] ats) {
    Instant newest = Instant.MIN;
    for (String at : ats) {
      try {
        Instant i = Instant.parse(at);
        newest = i.isAfter(newest) ? i : newest;
      } catch (java.time.format.DateTimeParseException e) {
        // not a time: ignored here, verify() reports the record
      }
    }
    return newest;
  }

  /**
   * Purges the records at the positions of each kind, then their index entries; adds to {@code counts} how many
   * records of each kind went (positions purged before count nothing) and returns the total.
   */
  private static long purge(Store store, TenantId tenant, Map<String, List<Long>> byKind, Map<String, Long> counts) {
    long total = 0;
    for (Map.Entry<String, List<Long>> e : byKind.entrySet()) {
      long n = purge(store, tenant, e.getValue());
      if (n > 0) {
        counts.merge(e.getKey(), n, Long::sum);
      }
      total += n;
    }
    return total;
  }

  private static long purge(Store store, TenantId tenant, List<Long> positions) {
    if (positions.isEmpty()) {
      return 0;
    }
    long n = store.purge(tenant, STREAM, positions);
    // the index after the records: an entry left by a crash in between points at no record, which history skips
    List<Object> keys = new ArrayList<>(positions);
    for (int from = 0; from < keys.size(); from += READ_BATCH) {
      List<Object> some = keys.subList(from, Math.min(keys.size(), from + READ_BATCH));
      List<Document> entries = store.query(tenant, INDEX, Query.of(Criteria.in("pos", some), Sort.asc("pos"),
          some.size())).items();
      if (entries.isEmpty()) {
        continue;
      }
      if (store.supports(dev.rapport.crm.store.Capability.MULTI_DOCUMENT_TRANSACTIONS)) {
        WriteBatch.Builder batch = WriteBatch.builder();
        entries.forEach(e -> batch.delete(INDEX, e.id(), e.version()));
        store.commit(tenant, batch.build());
      } else {
        for (Document e : entries) {
          try {
            store.commit(tenant, WriteBatch.builder().delete(INDEX, e.id(), e.version()).build());
          } catch (VersionConflictException gone) {
            // deleted meanwhile
          }
        }
      }
    }
    return n;
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
    Store store = context().store();
    Instant now = context().clock().instant();
    Records records = new Records(store, tenant);
    byte[] head = GENESIS;
    long expectedSeq = 1;
    long sealed = 0;
    Map<Long, byte[]> headBySeq = new HashMap<>();
    long previousEnd = 0;
    for (java.util.Iterator<Block> it = blocks(store, tenant).iterator(); it.hasNext(); ) {
      Block b = it.next();
      if (b.seq != expectedSeq) {
        return new Verification(records.count(), sealed, records.purged, expectedSeq - 1, new Verification.Problem(
            Verification.Kind.CHAIN_BROKEN, b.positions.length > 0 ? b.positions[0] : 0, null,
            "block " + expectedSeq + " is missing (the next block is " + b.seq + ")"));
      }
      if (!b.wellFormed() || b.positions[0] <= previousEnd) {
        return broken(records, sealed, b, "block " + b.seq + " was altered: its header or entries are not what a"
            + " sealer writes");
      }
      if (!MessageDigest.isEqual(b.prev, head)) {
        return broken(records, sealed, b, "block " + b.seq + " does not link to the block before it");
      }
      byte[] h = blockHead(head, b.positions, b.ids, b.hashes, b.kinds, b.ats);
      if (!MessageDigest.isEqual(h, b.head) || b.total != sealed + b.positions.length) {
        return broken(records, sealed, b, "block " + b.seq + " was altered: its records do not hash to its head");
      }
      for (int i = 0; i < b.positions.length; i++) {
        Verification.Problem p = records.expect(b.positions[i], b.ids[i], b.hashes[i], b.hexes[i],
            expired(b.kinds[i], b.ats[i], now), id -> sealedPosition(store, tenant, id));
        if (p != null) {
          return new Verification(records.count(), sealed, records.purged, b.seq - 1, p);
        }
        sealed++;
      }
      head = b.head;
      headBySeq.put(b.seq, b.head);
      previousEnd = b.end();
      expectedSeq++;
    }
    long blocks = expectedSeq - 1;
    Map<Long, String> witnessedHeads = new HashMap<>();
    for (Checkpoint w : witness.all(tenant)) {
      String earlier = witnessedHeads.putIfAbsent(w.block(), w.head());
      if (earlier != null && !earlier.equals(w.head())) {
        return new Verification(records.count(), sealed, records.purged, blocks, new Verification.Problem(
            Verification.Kind.CHAIN_BROKEN, w.lastPosition(), null, "the witness holds two heads for block "
            + w.block() + ": the chain was rewritten and sealed again"));
      }
      byte[] ours = headBySeq.get(w.block());
      if (ours == null) {
        return new Verification(records.count(), sealed, records.purged, blocks, new Verification.Problem(
            Verification.Kind.TRUNCATED, w.lastPosition(), null, "the witness holds block " + w.block() + " with " + w.records()
            + " records; the chain ends at block " + blocks + " with " + sealed));
      }
      if (!Hashes.hex(ours).equals(w.head())) {
        return new Verification(records.count(), sealed, records.purged, blocks, new Verification.Problem(
            Verification.Kind.CHAIN_BROKEN, w.lastPosition(), null, "block " + w.block()
            + " differs from the witness's checkpoint: the chain was rewritten"));
      }
    }
    Verification.Problem tail = records.rest();
    return new Verification(records.count(), sealed, records.purged, blocks, tail);
  }

  /** Where the chain sealed record {@code id}, if anywhere: a scan of the blocks, made only to name a problem. */
  private static @Nullable Long sealedPosition(Store store, TenantId tenant, String id) {
    for (java.util.Iterator<Block> it = blocks(store, tenant).iterator(); it.hasNext(); ) {
      Block b = it.next();
      for (int i = 0; i < b.ids.length; i++) {
        if (b.ids[i].equals(id)) {
          return b.positions[i];
        }
      }
    }
    return null;
  }

  /** The tenant's blocks in sequence order, read a page at a time as they are used. */
  private static java.util.stream.Stream<Block> blocks(Store store, TenantId tenant) {
    return Page.streamAll(Query.of(Criteria.all(), Sort.asc("seq"), 100), q -> store.query(tenant, BLOCKS, q))
        .map(Block::of);
  }

  private static Verification broken(Records records, long sealed, Block b, String message) {
    return new Verification(records.count(), sealed, records.purged, b.seq - 1, new Verification.Problem(
        Verification.Kind.CHAIN_BROKEN, b.positions.length > 0 ? b.positions[0] : 0, null, message));
  }

  /** The tenant's records in position order, read ahead in batches. */
  private static final class Records {
    private final Store store;
    private final TenantId tenant;
    private final ArrayDeque<StreamRecord> buffer = new ArrayDeque<>();
    private long after;
    private boolean done;
    private long seen;
    /** Sealed records found missing that the chain shows were due for purging. */
    long purged;

    Records(Store store, TenantId tenant) {
      this.store = store;
      this.tenant = tenant;
    }

    long count() {
      return seen + buffer.size();
    }

    /** Reads ahead until the buffer holds {@code n} records or the stream ends. */
    private void fill(int n) {
      while (buffer.size() < n && !done) {
        List<StreamRecord> next = store.read(tenant, STREAM, after, READ_BATCH);
        buffer.addAll(next);
        if (!next.isEmpty()) {
          after = next.get(next.size() - 1).position();
        }
        done = next.size() < READ_BATCH;
      }
    }

    private @Nullable StreamRecord peek() {
      fill(1);
      return buffer.peekFirst();
    }

    /** The record after the next one, if any. */
    private @Nullable StreamRecord second() {
      fill(2);
      if (buffer.size() < 2) {
        return null;
      }
      java.util.Iterator<StreamRecord> it = buffer.iterator();
      it.next();
      return it.next();
    }

    private void take() {
      buffer.removeFirst();
      seen++;
    }

    /**
     * Checks that the next record is the sealed one; null when it is.
     *
     * @param purgeable whether the chain shows the record was due for purging (it may then be missing)
     * @param sealedAt where the chain sealed a record id, if it did (asked only once a problem is found, to name it)
     */
    Verification.@Nullable Problem expect(long position, String id, byte[] hash, String hex, boolean purgeable,
                                          java.util.function.Function<String, @Nullable Long> sealedAt) {
      StreamRecord r = peek();
      if (purgeable && (r == null || r.position() > position)) {
        purged++;   // expired and purged by retention, as the chain's kind and time for it show
        return null;
      }
      if (r == null) {
        return new Verification.Problem(Verification.Kind.TRUNCATED, position, id,
            "sealed record " + id + " at position " + position + " and every record after it are missing");
      }
      if (r.position() < position) {
        Long at = sealedAt.apply(r.id());
        if (at != null) {
          return new Verification.Problem(Verification.Kind.REORDERED, r.position(), r.id(),
              "record " + r.id() + " is at position " + r.position() + "; the chain sealed it at " + at);
        }
        return new Verification.Problem(Verification.Kind.INSERTED, r.position(), r.id(),
            "record " + r.id() + " at position " + r.position() + " is not in the chain");
      }
      if (r.position() > position) {
        return new Verification.Problem(Verification.Kind.REMOVED, position, id,
            "sealed record " + id + " at position " + position + " is missing");
      }
      if (!r.id().equals(id)) {
        Long at = sealedAt.apply(r.id());
        if (at != null) {
          return new Verification.Problem(Verification.Kind.REORDERED, position, r.id(), "record " + r.id()
              + " is at position " + position + "; the chain sealed it at " + at);
        }
        StreamRecord next = second();
        if (next != null && next.id().equals(id)) {
          return new Verification.Problem(Verification.Kind.INSERTED, position, r.id(), "record " + r.id()
              + " at position " + position + " is not in the chain; sealed record " + id + " follows it");
        }
        return new Verification.Problem(Verification.Kind.ALTERED, position, r.id(), "record " + r.id()
            + " at position " + position + " replaced sealed record " + id);
      }
      byte[] content = contentDigest(r.payload());
      // the block's hash is well formed (checked), so its text equals the stored one exactly when both match content
      if (content == null || !MessageDigest.isEqual(content, hash) || !hex.equals(r.payload().path(HASH).asText())) {
        return new Verification.Problem(Verification.Kind.ALTERED, position, id,
            "record " + id + " at position " + position + " was altered: its content does not hash to the sealed hash");
      }
      take();
      return null;
    }

    /** Checks the records after the chain against their own hashes. */
    Verification.@Nullable Problem rest() {
      for (StreamRecord r; (r = peek()) != null; ) {
        if (!matchesItsHash(r.payload())) {
          return new Verification.Problem(Verification.Kind.ALTERED, r.position(), r.id(), "unsealed record "
              + r.id() + " at position " + r.position() + " does not match its own hash");
        }
        take();
      }
      return null;
    }
  }
}
