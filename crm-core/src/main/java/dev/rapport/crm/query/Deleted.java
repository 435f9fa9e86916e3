package dev.rapport.crm.query;

/**
 * Which soft-deleted records a query or count takes, chosen explicitly on the {@link Query} (or given to
 * {@code count}); the criteria never change it. A criteria on the {@code deleted} field is an ordinary criteria,
 * ANDed with this choice: {@code eq(deleted, true)} under the default {@link #EXCLUDED} matches nothing.
 *
 * <p>Only customers are soft-deleted today; interactions and cases are never deleted, so for them
 * {@link #EXCLUDED} and {@link #INCLUDED} take every record and {@link #ONLY} none.
 */
public enum Deleted {
  /** Live records only: the default. */
  EXCLUDED,
  /** Live and soft-deleted records alike. */
  INCLUDED,
  /** Soft-deleted records only (a recycle-bin view). */
  ONLY
}
