package dev.rapport.crm.audit;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * Where the per-data-subject keys of the audit trail's personal values live ({@link AuditTrail.Builder#erasure}).
 * Each data subject (a customer, with the interactions and cases about it) has one AES-256 key; the personal values
 * of every record about the subject are encrypted with it, and destroying it ({@link #destroy}) makes them unreadable
 * everywhere at once while the records, their hashes and the chain stay as they were (crypto-shredding).
 *
 * <p>The built-in vault, {@link #stored}, keeps the keys in the store itself (collection {@value StoredKeyVault#KEYS}),
 * each wrapped (AES-GCM) by a master key the host holds outside the database. A host with a key-management service
 * implements this interface instead. Implementations must be thread-safe.
 */
public interface KeyVault {
  /** Collections the vault keeps its keys in; the trail registers them with its own. */
  default List<CollectionSpec> collections() {
    return List.of();
  }

  /** Called once when the {@code Crm} starts, with its store. */
  default void start(Store store) {}

  /** The subject's current key, created on first use (a new key, with a new id, after {@link #destroy}). */
  SubjectKey keyFor(TenantId tenant, String subject);

  /** The subject's key with id {@code keyId}, unless it was destroyed (or never existed). */
  Optional<SubjectKey> find(TenantId tenant, String subject, String keyId);

  /**
   * Destroys the subject's key, on this node at once (and on other nodes of the built-in vault within its cache
   * time); the values encrypted with it can no longer be read by anyone.
   *
   * @return whether a key existed
   */
  boolean destroy(TenantId tenant, String subject);

  /** One subject's key and its id (the id is stored next to every value it encrypts). */
  record SubjectKey(String keyId, SecretKey key) {
    public SubjectKey {
      java.util.Objects.requireNonNull(keyId, "keyId");
      java.util.Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return "SubjectKey[" + keyId + "]";   // never the key
    }
  }

  /**
   * The built-in vault: subject keys in the store, each wrapped by {@code masterKey} (an AES key of 16, 24 or 32
   * bytes that the host keeps outside the database, e.g. in its secret store). Unwrapped keys are cached for
   * five minutes, so another node that cached a key keeps reading with it until then after an erasure.
   */
  static KeyVault stored(SecretKey masterKey) {
    return new StoredKeyVault(masterKey, Duration.ofMinutes(5), 100_000);
  }

  /** {@link #stored(SecretKey)} with the master key as raw AES key bytes (16, 24 or 32). */
  static KeyVault stored(byte[] masterKey) {
    return stored(StoredKeyVault.aesKey(masterKey));
  }
}
