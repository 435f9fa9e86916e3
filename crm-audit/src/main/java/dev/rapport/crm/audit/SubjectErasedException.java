package dev.rapport.crm.audit;

import dev.rapport.crm.error.CrmException;

/**
 * A state or diff asked of the audit trail needs values of a data subject that was erased ({@link AuditTrail#erase}):
 * they are no longer readable by anyone. Code {@code SUBJECT_ERASED}; not transient.
 */
public final class SubjectErasedException extends CrmException {
  private static final long serialVersionUID = 1L;
  private final String subject;

  SubjectErasedException(String subject, String message) {
    super(message);
    this.subject = subject;
  }

  /** The erased subject's id. */
  public String subject() {
    return subject;
  }

  @Override
  public String code() {
    return "SUBJECT_ERASED";
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
