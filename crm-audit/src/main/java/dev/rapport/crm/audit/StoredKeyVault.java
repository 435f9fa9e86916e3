package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.WriteBatch;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * {@link KeyVault#stored}: one document per subject in {@value #KEYS} (id: the subject), holding its key id and its
 * AES-256 key wrapped by the master key, the tenant, subject and key id bound to the wrapping. Destroying deletes the
 * document; the next {@link #keyFor} creates a new key with a new id.
 */
final class StoredKeyVault implements KeyVault {
  static final String KEYS = "audit_keys";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder UNB64 = Base64.getDecoder();

  private final SecretKey master;
  private final Cache<String, SubjectKey> cache;
  private volatile @Nullable Store store;

  StoredKeyVault(SecretKey master, Duration cacheFor, long cacheSize) {
    this.master = Objects.requireNonNull(master, "masterKey");
    if (!"AES".equalsIgnoreCase(master.getAlgorithm())) {
      throw ValidationException.of("masterKey", "audit.masterKey.algorithm",
          "the master key must be an AES key, not " + master.getAlgorithm());
    }
    this.cache = Caffeine.newBuilder().expireAfterWrite(cacheFor).maximumSize(cacheSize).build();
  }

  static SecretKey aesKey(byte[] bytes) {
    Objects.requireNonNull(bytes, "masterKey");
    if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
      throw ValidationException.of("masterKey", "audit.masterKey.length",
          "the master key must be 16, 24 or 32 bytes (AES-128/192/256), not " + bytes.length);
    }
    return new SecretKeySpec(bytes.clone(), "AES");
  }

  @Override
  public List<CollectionSpec> collections() {
    return List.of(CollectionSpec.of(KEYS));
  }

  @Override
  public void start(Store value) {
    this.store = value;
  }

  private Store store() {
    Store s = store;
    if (s == null) {
      throw new IllegalStateException("the key vault is not started: pass its trail to Crm.builder().audit(trail)");
    }
    return s;
  }

  private static String cacheKey(TenantId tenant, String subject) {
    return tenant.value() + '\u0000' + subject;
  }

  @Override
  public SubjectKey keyFor(TenantId tenant, String subject) {
    checkSubject(subject);
    SubjectKey cached = cache.getIfPresent(cacheKey(tenant, subject));
    if (cached != null) {
      return cached;
    }
    for (int attempt = 0; ; attempt++) {
      Optional<SubjectKey> stored = load(tenant, subject);
      if (stored.isPresent()) {
        cache.put(cacheKey(tenant, subject), stored.get());
        return stored.get();
      }
      byte[] raw = new byte[32];
      RANDOM.nextBytes(raw);
      SubjectKey created = new SubjectKey(UUID.randomUUID().toString(), new SecretKeySpec(raw, "AES"));
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.put("subject", subject);
      body.put("keyId", created.keyId());
      body.put("wrapped", B64.encodeToString(Aead.encrypt(master, context(tenant, subject, created.keyId()), raw)));
      try {
        store().commit(tenant, WriteBatch.builder().insert(KEYS, new Document(subject, 1, body, Map.of())).build());
        cache.put(cacheKey(tenant, subject), created);
        return created;
      } catch (DuplicateKeyException raced) {
        if (attempt > 3) {
          throw raced;
        }
        // another node created it first: read theirs
      }
    }
  }

  @Override
  public Optional<SubjectKey> find(TenantId tenant, String subject, String keyId) {
    SubjectKey cached = cache.getIfPresent(cacheKey(tenant, subject));
    if (cached != null && cached.keyId().equals(keyId)) {
      return Optional.of(cached);
    }
    Optional<SubjectKey> stored = load(tenant, subject);
    stored.ifPresent(k -> cache.put(cacheKey(tenant, subject), k));
    return stored.filter(k -> k.keyId().equals(keyId));
  }

  @Override
  public boolean destroy(TenantId tenant, String subject) {
    checkSubject(subject);
    cache.invalidate(cacheKey(tenant, subject));
    while (true) {
      Optional<Document> doc = store().get(tenant, KEYS, subject);
      if (doc.isEmpty()) {
        return false;
      }
      try {
        store().commit(tenant, WriteBatch.builder().delete(KEYS, subject, doc.get().version()).build());
        cache.invalidate(cacheKey(tenant, subject));
        return true;
      } catch (VersionConflictException raced) {
        // deleted or replaced meanwhile: look again
      }
    }
  }

  private Optional<SubjectKey> load(TenantId tenant, String subject) {
    Optional<Document> doc = store().get(tenant, KEYS, subject);
    if (doc.isEmpty()) {
      return Optional.empty();
    }
    JsonNode body = doc.get().body();
    String keyId = body.path("keyId").asText();
    try {
      byte[] raw = Aead.decrypt(master, context(tenant, subject, keyId), UNB64.decode(body.path("wrapped").asText()));
      return Optional.of(new SubjectKey(keyId, new SecretKeySpec(raw, "AES")));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("the key of data subject '" + subject + "' in tenant " + tenant.value()
          + " cannot be unwrapped: a different master key, or an altered key document (" + KEYS + ")", e);
    }
  }

  private static String context(TenantId tenant, String subject, String keyId) {
    return "rapport.audit.key\u0000" + tenant.value() + '\u0000' + subject + '\u0000' + keyId;
  }

  private static void checkSubject(String subject) {
    Objects.requireNonNull(subject, "subject");
    if (subject.isEmpty() || subject.length() > Document.MAX_ID_LENGTH) {
      throw ValidationException.of("subject", "audit.subject.length",
          "a data subject's id must be 1-" + Document.MAX_ID_LENGTH + " characters");
    }
  }
}
